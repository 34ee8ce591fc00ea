package io.gourmetgram.loop.labeling.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class WorkerWatchTest {

    private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");

    @Test
    void aWorkerThreadThatStoppedIsAProblemWithItsReason() throws Exception {
        Thread dead = Thread.ofPlatform().start(() -> {});
        dead.join();

        assertThat(WorkerWatch.problem(dead, new IllegalStateException("bug"), NOW, 0, Duration.ofMinutes(5), NOW))
                .contains("stopped")
                .contains("bug");
    }

    @Test
    void aWorkerThatHoldsRequestsWithoutMovingIsStalledButAnIdleOneIsNot() {
        Thread alive = Thread.currentThread();
        Instant longAgo = NOW.minus(Duration.ofMinutes(6));

        assertThat(WorkerWatch.problem(alive, null, longAgo, 12, Duration.ofMinutes(5), NOW))
                .contains("no progress")
                .contains("12 requests");
        assertThat(WorkerWatch.problem(alive, null, longAgo, 0, Duration.ofMinutes(5), NOW))
                .isNull();
        assertThat(WorkerWatch.problem(alive, null, NOW, 12, Duration.ofMinutes(5), NOW))
                .isNull();
    }
}
