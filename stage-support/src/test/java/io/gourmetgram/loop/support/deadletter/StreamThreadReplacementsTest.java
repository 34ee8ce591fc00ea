package io.gourmetgram.loop.support.deadletter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gourmetgram.loop.events.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.errors.TaskCorruptedException;
import org.apache.kafka.streams.errors.TopologyException;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Which dead stream threads are replaced, how many times, and when the client is shut down instead. */
class StreamThreadReplacementsTest {

    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-30T12:00:00Z"));
    private final StreamThreadReplacements replacements =
            new StreamThreadReplacements(5, Duration.ofMinutes(10), clock);

    private static StreamsException commitFailed() {
        return new StreamsException(
                "Error encountered trying to commit a transaction", new InvalidTxnStateException("aborted"));
    }

    @Nested
    class WhichErrors {

        @Test
        void transactionFencingTimeoutAndTaskFaultsAreReplacedEvenWhenWrapped() {
            assertThat(StreamThreadReplacements.transientFault(commitFailed())).isTrue();
            assertThat(StreamThreadReplacements.transientFault(new ProducerFencedException("fenced")))
                    .isTrue();
            assertThat(StreamThreadReplacements.transientFault(
                            new StreamsException("task timeout", new TimeoutException("broker slow"))))
                    .isTrue();
            assertThat(StreamThreadReplacements.transientFault(new TaskCorruptedException(java.util.Set.of())))
                    .isTrue();
        }

        @Test
        void errorsAndDeterministicStreamsFailuresShutTheClientDown() {
            assertThat(StreamThreadReplacements.transientFault(new OutOfMemoryError("heap")))
                    .isFalse();
            assertThat(StreamThreadReplacements.transientFault(
                            new StreamsException("wrapped", new StackOverflowError())))
                    .isFalse();
            assertThat(StreamThreadReplacements.transientFault(
                            new StreamsException("bad serde", new SerializationException("no schema"))))
                    .isFalse();
            assertThat(StreamThreadReplacements.transientFault(new TopologyException("bad topology")))
                    .isFalse();
            assertThat(StreamThreadReplacements.transientFault(new IllegalStateException("bug")))
                    .isFalse();

            StreamThreadReplacements.Decision decision = replacements.decide("t-1", new OutOfMemoryError("heap"));
            assertThat(decision.replace()).isFalse();
            assertThat(decision.reason()).contains("t-1").contains("heap");
            assertThat(replacements.total()).isZero();
        }
    }

    @Nested
    class TheBound {

        @Test
        void theSixthFaultWithinTenMinutesShutsDownSayingWhy() {
            for (int i = 0; i < 5; i++) {
                assertThat(replacements.decide("t-" + i, commitFailed()).replace())
                        .isTrue();
                clock.advance(Duration.ofMinutes(1));
            }

            StreamThreadReplacements.Decision sixth = replacements.decide("t-5", commitFailed());

            assertThat(sixth.replace()).isFalse();
            assertThat(sixth.reason())
                    .startsWith("replaced the stream thread 5 times in 10 min; last error: ")
                    .contains("commit a transaction");
            assertThat(replacements.total()).isEqualTo(5);
        }

        @Test
        void faultsOlderThanTheWindowNoLongerCountAndLeaveTheHealthDetails() {
            for (int i = 0; i < 5; i++) {
                replacements.decide("t-" + i, commitFailed());
            }
            assertThat(replacements.recent()).hasSize(5);

            clock.advance(Duration.ofMinutes(10));

            assertThat(replacements.recent()).isEmpty();
            assertThat(replacements.decide("t-6", commitFailed()).replace()).isTrue();
            assertThat(replacements.total()).isEqualTo(6);
        }

        @Test
        void theWindowSlides() {
            replacements.decide("t-0", commitFailed());
            clock.advance(Duration.ofMinutes(6));
            for (int i = 1; i < 5; i++) {
                replacements.decide("t-" + i, commitFailed());
            }
            assertThat(replacements.decide("t-5", commitFailed()).replace()).isFalse();

            clock.advance(Duration.ofMinutes(4)); // the first one leaves the window, the other four stay

            assertThat(replacements.decide("t-6", commitFailed()).replace()).isTrue();
            assertThat(replacements.decide("t-7", commitFailed()).replace()).isFalse();
        }
    }

    @Nested
    class Settings {

        @Test
        void defaultsAreFivePerTenMinutesAndTheStreamsConfigOverridesThem() {
            Properties config = new Properties();
            config.put(StreamThreadReplacements.MAX_REPLACEMENTS, "1");
            config.put(StreamThreadReplacements.WINDOW, "30s");
            StreamThreadReplacements configured = StreamThreadReplacements.from(config, clock);

            assertThat(configured.decide("t-0", commitFailed()).replace()).isTrue();
            assertThat(configured.decide("t-1", commitFailed()).reason())
                    .startsWith("replaced the stream thread 1 times in 30 s");
            assertThat(StreamThreadReplacements.from(new Properties(), clock)
                            .decide("t", commitFailed())
                            .reason())
                    .contains("1 of 5 in 10 min");
        }

        @Test
        void aMalformedSettingNamesItsVariable() {
            Properties config = new Properties();
            config.put(StreamThreadReplacements.WINDOW, "ten minutes");
            assertThatThrownBy(() -> StreamThreadReplacements.from(config, clock))
                    .hasMessageContaining("<STAGE>_STREAM_THREAD_REPLACEMENT_WINDOW");
        }
    }
}
