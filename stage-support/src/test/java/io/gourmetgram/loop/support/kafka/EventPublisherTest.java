package io.gourmetgram.loop.support.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gourmetgram.loop.events.Feedback;
import io.gourmetgram.loop.events.FeedbackKind;
import io.gourmetgram.loop.events.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * Which failures leave an event's fate unknown. Kafka's own test producer stands in for a broker
 * that took the record onto a partition and then never answered (the real outage is the fault suite's).
 */
class EventPublisherTest {

    private final MockProducer<byte[], byte[]> producer =
            new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
    private final EventPublisher publisher = new EventPublisher(producer, Duration.ofSeconds(30));

    @Test
    void aTimeoutAfterTheRecordReachedAPartitionIsOutcomeUnknown() {
        EventNotPublishedException failure = publishAndFail(
                new TimeoutException("Expiring 1 record(s) for feedback-0:10000 ms has passed since batch creation"));

        assertThat(failure.outcomeUnknown())
                .as("the broker may have written it")
                .isTrue();
        assertThat(failure.getMessage()).contains("did not confirm");
    }

    @Test
    void aRefusalIsAKnownFailure() {
        EventNotPublishedException failure = publishAndFail(new RecordTooLargeException("too large"));

        assertThat(failure.outcomeUnknown()).isFalse();
    }

    private EventNotPublishedException publishAndFail(RuntimeException error) {
        CompletableFuture<?> publishing = CompletableFuture.runAsync(() -> publisher.publish(
                Topics.FEEDBACK,
                "u1",
                new Feedback("u1", FeedbackKind.FLAG, null, Instant.parse("2026-11-30T12:00:00Z"), null)));
        await().atMost(Duration.ofSeconds(10)).until(() -> producer.history().size() == 1);

        producer.errorNext(error);

        try {
            publishing.join();
        } catch (CompletionException e) {
            assertThat(e.getCause()).isInstanceOf(EventNotPublishedException.class);
            return (EventNotPublishedException) e.getCause();
        }
        throw new AssertionError("publishing should have failed");
    }
}
