package io.gourmetgram.loop.support.retry;

import java.time.Duration;

/**
 * Exponential back-off for a worker that waits out an outage: the first wait is {@code min}, each
 * further one doubles up to {@code max}, and a success starts again from {@code min}. Not thread-safe:
 * one per worker.
 */
public final class Backoff {

    private final Duration min;
    private final Duration max;
    private Duration next;

    public Backoff(Duration min, Duration max) {
        if (min.isNegative() || min.isZero() || max.compareTo(min) < 0) {
            throw new IllegalArgumentException("back-off needs 0 < min <= max, got min " + min + ", max " + max);
        }
        this.min = min;
        this.max = max;
        this.next = min;
    }

    /** The wait to use now; the one after it is twice as long (at most {@code max}). */
    public Duration next() {
        Duration now = next;
        next = next.multipliedBy(2).compareTo(max) > 0 ? max : next.multipliedBy(2);
        return now;
    }

    /** After a success: the next wait is {@code min} again. */
    public void reset() {
        next = min;
    }
}
