package io.gourmetgram.loop.inference.pipeline;

import java.time.Duration;
import java.time.Instant;

/**
 * Whether the loop is getting anywhere: it is stalled when uploads are waiting and nothing was
 * committed for longer than the stall timeout (an outage it keeps retrying, a wedged call).
 */
final class Progress {

    private volatile Instant lastProgress;
    private volatile int inHand;
    private volatile String lastError;

    Progress(Instant now) {
        this.lastProgress = now;
    }

    /** Nothing to do is progress too: no input, nothing stalled. */
    void idle(Instant now) {
        if (inHand == 0) {
            lastProgress = now;
        }
    }

    void inHand(int records) {
        inHand = records;
    }

    void committed(Instant now) {
        lastProgress = now;
        lastError = null;
    }

    void failed(String what, Throwable e) {
        lastError = what + " (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")";
    }

    /** The reason health is DOWN, or null when the loop is keeping up. */
    String stalled(Instant now, Duration timeout) {
        Duration since = Duration.between(lastProgress, now);
        if (inHand > 0 && since.compareTo(timeout) > 0) {
            return "no upload scored or dead-lettered for " + since.withNanos(0) + " while " + inHand
                    + " waited (stall timeout " + timeout + "); last error: "
                    + (lastError == null ? "none" : lastError);
        }
        return null;
    }
}
