package io.gourmetgram.loop.ingest.feedback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gourmetgram.loop.support.problem.ApiProblem;
import io.gourmetgram.loop.support.problem.ProblemType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class FeedbackQuotaTest {

    private final MovableClock clock = new MovableClock();
    private final FeedbackQuota quota = new FeedbackQuota(5, 3, Duration.ofMinutes(1), clock);

    @Test
    void anUploadGetsItsLimitPerWindowThenTooManyRequestsWithWhenToRetry() {
        for (int i = 0; i < 3; i++) {
            quota.chargeUpload("u1");
        }
        clock.advance(Duration.ofSeconds(20));

        assertThatThrownBy(() -> quota.chargeUpload("u1")).isInstanceOfSatisfying(ApiProblem.class, problem -> {
            assertThat(problem.problemType()).isEqualTo(ProblemType.FEEDBACK_RATE_LIMITED);
            assertThat(problem.getStatusCode().value()).isEqualTo(429);
            assertThat(problem.getHeaders().getFirst("Retry-After")).isEqualTo("40");
            assertThat(problem.getBody().getDetail()).contains("At most 3", "on this upload", "60 s");
        });
        assertThatCode(() -> quota.chargeUpload("u2"))
                .as("another upload has its own budget")
                .doesNotThrowAnyException();

        clock.advance(Duration.ofSeconds(40));
        assertThatCode(() -> quota.chargeUpload("u1")).as("a new window").doesNotThrowAnyException();
    }

    @Test
    void aClientGetsItsLimitAcrossUploads() {
        for (int i = 0; i < 5; i++) {
            quota.chargeClient("203.0.113.7");
        }

        assertThatThrownBy(() -> quota.chargeClient("203.0.113.7"))
                .isInstanceOfSatisfying(
                        ApiProblem.class,
                        problem -> assertThat(problem.getBody().getDetail()).contains("from your address"));
        assertThatCode(() -> quota.chargeClient("203.0.113.8")).doesNotThrowAnyException();
    }

    @Test
    void refusedCallsDoNotUseUpTheBudget() {
        for (int i = 0; i < 3; i++) {
            quota.chargeUpload("u1");
        }
        for (int i = 0; i < 100; i++) {
            assertThatThrownBy(() -> quota.chargeUpload("u1")).isInstanceOf(ApiProblem.class);
        }
        clock.advance(Duration.ofMinutes(1));

        assertThatCode(() -> quota.chargeUpload("u1")).doesNotThrowAnyException();
    }

    static final class MovableClock extends Clock {
        private Instant now = Instant.parse("2026-11-30T12:00:00Z");

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
