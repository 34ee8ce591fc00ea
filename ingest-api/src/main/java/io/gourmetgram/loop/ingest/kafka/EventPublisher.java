package io.gourmetgram.loop.ingest.kafka;

import io.gourmetgram.loop.events.topics.TopicSpec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;

/**
 * Publishes one event and waits for the broker's acknowledgement (idempotent producer, acks=all), so
 * the caller only answers success once the event is durable.
 */
public class EventPublisher {

    /** Slack on top of the producer's own delivery timeout, which normally completes the future first. */
    private static final Duration GRACE = Duration.ofSeconds(1);

    private final Producer<byte[], byte[]> producer;
    private final Duration ackWait;

    public EventPublisher(Producer<byte[], byte[]> producer, Duration deliveryTimeout) {
        this.producer = producer;
        this.ackWait = deliveryTimeout.plus(GRACE);
    }

    /** Sends {@code value} keyed by {@code key} and returns once acknowledged; throws otherwise. */
    public <V> RecordMetadata publish(TopicSpec<V> topic, String key, V value) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic.name(),
                key.getBytes(StandardCharsets.UTF_8), topic.valueSerde().serialize(topic.name(), value));
        AtomicReference<RecordMetadata> attempt = new AtomicReference<>();
        try {
            // The callback runs before the future completes and tells whether the record got as far as a partition.
            return producer.send(record, (metadata, error) -> attempt.set(metadata)).get(ackWait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            boolean mayBeWritten = mayHaveBeenWritten(e.getCause(), attempt.get());
            throw new EventNotPublishedException((mayBeWritten ? "Kafka did not confirm the " : "Kafka did not take the ")
                    + topic.name() + " event for " + key + ": " + e.getCause().getMessage(), mayBeWritten, e.getCause());
        } catch (KafkaException e) {
            throw new EventNotPublishedException("Could not send the " + topic.name() + " event for " + key + ": "
                    + e.getMessage(), false, e);
        } catch (TimeoutException e) {
            throw new EventNotPublishedException("No acknowledgement from Kafka for the " + topic.name() + " event for "
                    + key + " within " + ackWait.toSeconds() + " s", true, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EventNotPublishedException("Interrupted while publishing the " + topic.name() + " event for " + key, true, e);
        }
    }

    /**
     * A producer timeout after the record was assigned a partition may come after it was sent and
     * written, with only the acknowledgement lost: its outcome is unknown. A timeout waiting for
     * metadata (no partition yet) and every other error mean it was not written.
     */
    private static boolean mayHaveBeenWritten(Throwable error, RecordMetadata attempt) {
        return error instanceof org.apache.kafka.common.errors.TimeoutException && attempt != null && attempt.partition() >= 0;
    }
}
