package io.gourmetgram.loop.support.kafka;

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
 * Publishes one record and waits for the broker's acknowledgement (idempotent producer, acks=all), so
 * the caller only moves on (answers success, commits an offset) once the record is durable. Every
 * stage sends this way; a failure says whether the record may still appear ({@link
 * EventNotPublishedException#outcomeUnknown()}).
 */
public class EventPublisher {

    /** Slack on top of the producer's own delivery timeout, which normally completes the future first. */
    private static final Duration GRACE = Duration.ofSeconds(1);

    private final Producer<byte[], byte[]> producer;
    private final Duration ackWait;

    /**
     * @param deliveryTimeout the producer's {@code delivery.timeout.ms}; we wait a little longer than
     *                        that, so the producer's own verdict normally arrives first
     */
    public EventPublisher(Producer<byte[], byte[]> producer, Duration deliveryTimeout) {
        this.producer = producer;
        this.ackWait = deliveryTimeout.plus(GRACE);
    }

    /** Sends {@code value} keyed by {@code key} and returns once acknowledged; throws otherwise. */
    public <V> RecordMetadata publish(TopicSpec<V> topic, String key, V value) {
        return send(
                new ProducerRecord<>(
                        topic.name(),
                        key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                        topic.valueSerde().serialize(topic.name(), value)),
                "the " + topic.name() + " event for " + key);
    }

    /**
     * Sends a ready record and returns once acknowledged.
     *
     * @param what the record in words, for the exception message ("the dead letter of uploads-0@7")
     * @throws EventNotPublishedException when Kafka refused it or did not answer in time
     */
    public RecordMetadata send(ProducerRecord<byte[], byte[]> record, String what) {
        AtomicReference<RecordMetadata> attempt = new AtomicReference<>();
        try {
            // The callback runs before the future completes and tells whether the record got as far as a partition.
            return producer.send(record, (metadata, error) -> attempt.set(metadata))
                    .get(ackWait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            boolean mayBeWritten = mayHaveBeenWritten(e.getCause(), attempt.get());
            throw new EventNotPublishedException(
                    (mayBeWritten ? "Kafka did not confirm " : "Kafka did not take ") + what + ": "
                            + e.getCause().getMessage(),
                    mayBeWritten,
                    e.getCause());
        } catch (KafkaException e) {
            throw new EventNotPublishedException("Could not send " + what + ": " + e.getMessage(), false, e);
        } catch (TimeoutException e) {
            throw new EventNotPublishedException(
                    "No acknowledgement from Kafka for " + what + " within " + ackWait.toSeconds() + " s", true, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EventNotPublishedException("Interrupted while publishing " + what, true, e);
        }
    }

    /**
     * A producer timeout after the record was assigned a partition may come after it was sent and
     * written, with only the acknowledgement lost: its outcome is unknown. A timeout waiting for
     * metadata (no partition yet) and every other error mean it was not written.
     */
    private static boolean mayHaveBeenWritten(Throwable error, RecordMetadata attempt) {
        return error instanceof org.apache.kafka.common.errors.TimeoutException
                && attempt != null
                && attempt.partition() >= 0;
    }
}
