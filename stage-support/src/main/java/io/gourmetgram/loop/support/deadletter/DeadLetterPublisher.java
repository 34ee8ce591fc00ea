package io.gourmetgram.loop.support.deadletter;

import io.gourmetgram.loop.events.DeadLetter;
import io.gourmetgram.loop.events.topics.TopicSpec;
import io.gourmetgram.loop.support.kafka.EventPublisher;
import java.time.Clock;
import java.time.Duration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The error policy of consuming stages: a record that cannot be processed is written to the stage's
 * dead-letter topic with the reason, synchronously, before the stage moves past it. If even that
 * write fails, the exception ({@link io.gourmetgram.loop.support.kafka.EventNotPublishedException})
 * propagates and the record is retried rather than lost.
 */
public final class DeadLetterPublisher {

    private static final Logger log = LoggerFactory.getLogger(DeadLetterPublisher.class);
    private static final Duration ACK_WAIT = Duration.ofSeconds(30);

    private final String stage;
    private final TopicSpec<DeadLetter> topic;
    private final EventPublisher publisher;
    private final Clock clock;

    public DeadLetterPublisher(
            String stage, TopicSpec<DeadLetter> topic, Producer<byte[], byte[]> producer, Clock clock) {
        this.stage = stage;
        this.topic = topic;
        this.publisher = new EventPublisher(producer, ACK_WAIT);
        this.clock = clock;
    }

    public TopicSpec<DeadLetter> topic() {
        return topic;
    }

    /** Dead-letters a record whose key and value are still raw bytes. */
    public DeadLetter publish(ConsumerRecord<byte[], byte[]> record, Throwable error) {
        return publish(
                record.topic(), record.partition(), record.offset(), record.key(), record.value(), record, error);
    }

    public DeadLetter publish(
            String sourceTopic,
            int partition,
            long offset,
            byte[] key,
            byte[] value,
            ConsumerRecord<?, ?> headersFrom,
            Throwable error) {
        DeadLetter letter = DeadLetters.describe(
                stage,
                sourceTopic,
                partition,
                offset,
                key,
                value,
                headersFrom == null ? null : headersFrom.headers(),
                error,
                clock);
        send(key, letter);
        return letter;
    }

    /** Sends an already described dead letter and waits for the broker's acknowledgement. */
    public void send(byte[] key, DeadLetter letter) {
        log.warn(
                "Dead-lettering {}-{}@{} (key {}) to {}: {} ({})",
                letter.sourceTopic(),
                letter.sourcePartition(),
                letter.sourceOffset(),
                letter.key(),
                topic.name(),
                letter.errorMessage(),
                letter.errorClass());
        publisher.send(
                DeadLetters.toRecord(topic, key, letter),
                "the dead letter of " + letter.sourceTopic() + "-" + letter.sourcePartition() + "@"
                        + letter.sourceOffset() + " (to " + topic.name() + "; it will be retried)");
    }
}
