package io.gourmetgram.loop.labeling.errors;

import io.gourmetgram.loop.support.deadletter.DeadLetterPublisher;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Sets records aside in {@code labeling-sink-dead-letter} with the reason, synchronously (if even
 * that fails, the caller retries rather than losing the record), and counts them by reason.
 */
public final class LabelingDeadLetters {

    /** Source "topic" of annotations that came from Label Studio rather than from Kafka. */
    public static final String LABEL_STUDIO = "label-studio";

    private final DeadLetterPublisher publisher;
    private final MeterRegistry meters;

    public LabelingDeadLetters(DeadLetterPublisher publisher, MeterRegistry meters) {
        this.publisher = publisher;
        this.meters = meters;
    }

    public void request(ConsumerRecord<String, byte[]> record, DeadLetterReason reason, Throwable error) {
        publisher.publish(
                record.topic(),
                record.partition(),
                record.offset(),
                record.key() == null ? null : record.key().getBytes(StandardCharsets.UTF_8),
                record.value(),
                record,
                error);
        count(reason);
    }

    /** An annotation from Label Studio that cannot become an event; {@code body} is what we received. */
    public void annotation(String uploadId, long annotationId, byte[] body, DeadLetterReason reason, String why) {
        publisher.publish(
                LABEL_STUDIO,
                -1,
                annotationId,
                uploadId == null ? null : uploadId.getBytes(StandardCharsets.UTF_8),
                body,
                null,
                new IllegalArgumentException(why));
        count(reason);
    }

    private void count(DeadLetterReason reason) {
        meters.counter("gourmetgram.labeling.dead.letters", "reason", reason.tag())
                .increment();
    }
}
