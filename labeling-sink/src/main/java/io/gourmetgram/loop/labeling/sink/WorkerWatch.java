package io.gourmetgram.loop.labeling.sink;

import java.time.Duration;
import java.time.Instant;

/** Judges the worker thread for the health check: the reason it is not doing its job, or null. */
final class WorkerWatch {

    private WorkerWatch() {}

    static String problem(
            Thread worker, Throwable died, Instant heartbeat, int inHand, Duration stallTimeout, Instant now) {
        if (worker != null && !worker.isAlive()) {
            return "the worker thread stopped" + (died == null ? "" : ": " + died);
        }
        if (heartbeat != null && inHand > 0 && Duration.between(heartbeat, now).compareTo(stallTimeout) > 0) {
            return "no progress for " + Duration.between(heartbeat, now).toSeconds() + " s with " + inHand
                    + " requests in hand (stall timeout " + stallTimeout + ")";
        }
        return null;
    }
}
