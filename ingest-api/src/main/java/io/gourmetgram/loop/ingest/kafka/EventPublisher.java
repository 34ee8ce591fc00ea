package io.gourmetgram.loop.ingest.kafka;

import io.gourmetgram.loop.events.topics.TopicSpec;
import io.gourmetgram.loop.ingest.config.IngestProperties;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.springframework.stereotype.Component;

/**
 * Publishes events keyed by upload id and waits for the broker's acknowledgement (idempotent
 * producer, acks=all), so a 202 means the event is durably in Kafka.
 */
@Component
public class EventPublisher {

    private final Producer<byte[], byte[]> producer;
    private final long timeoutMillis;

    public EventPublisher(Producer<byte[], byte[]> producer, IngestProperties properties) {
        this.producer = producer;
        this.timeoutMillis = properties.publishTimeout().toMillis();
    }

    /** @throws PublishFailedException when Kafka did not acknowledge in time */
    public <V> void publish(TopicSpec<V> topic, String uploadId, V event) {
        try {
            producer.send(new ProducerRecord<>(topic.name(), uploadId.getBytes(StandardCharsets.UTF_8),
                    topic.valueSerde().serialize(topic.name(), event))).get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PublishFailedException(topic.name(), e);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            throw new PublishFailedException(topic.name(), e);
        }
    }

    public static final class PublishFailedException extends RuntimeException {
        PublishFailedException(String topic, Throwable cause) {
            super("Kafka did not acknowledge the event on '" + topic + "': "
                    + (cause.getCause() != null ? cause.getCause().getMessage() : cause.getMessage()), cause);
        }
    }
}
