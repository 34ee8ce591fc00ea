package io.gourmetgram.loop.ingest.view;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * The upload ids whose {@code Upload} event this instance has read in the last {@code retention},
 * and the last time the feed had read everything on {@code uploads}. Together they let the orphan
 * sweeper tell an object whose event never came from one whose event it simply has not read yet.
 * Unlike the view, nothing is evicted by count, so a busy hour cannot make an announced photo look orphaned.
 */
public final class AnnouncedUploads {

    private final Duration retention;
    private final Clock clock;
    private final Map<String, Long> announcedAtMillis = new HashMap<>();
    private volatile Instant caughtUpAt = Instant.MIN;
    private volatile boolean catchUpRequested;

    public AnnouncedUploads(Duration retention, Clock clock) {
        this.retention = retention;
        this.clock = clock;
    }

    synchronized void record(String uploadId, long eventTimeMillis) {
        if (eventTimeMillis >= clock.millis() - retention.toMillis()) {
            announcedAtMillis.put(uploadId, eventTimeMillis);
        }
    }

    /**
     * Asks the feed to check, at its next poll, whether it has read everything on {@code uploads}, and
     * waits until it confirms so as of {@code since} or later.
     *
     * @return false if the feed did not confirm within {@code timeout} (it is behind or stopped)
     */
    public boolean awaitCaughtUpSince(Instant since, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            while (caughtUpAt.isBefore(since)) {
                catchUpRequested = true;
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                wait(Math.max(1, left / 1_000_000));
            }
            return true;
        }
    }

    boolean takeCatchUpRequest() {
        boolean requested = catchUpRequested;
        catchUpRequested = false;
        return requested;
    }

    /** Called by the feed when it has read every record of {@code uploads} that existed when it polled. */
    synchronized void markCaughtUp(Instant at) {
        caughtUpAt = at;
        notifyAll();
    }

    public synchronized boolean contains(String uploadId) {
        return announcedAtMillis.containsKey(uploadId);
    }

    /** Forgets ids older than the retention; returns how many are kept. */
    public synchronized int prune() {
        long oldest = clock.millis() - retention.toMillis();
        announcedAtMillis.values().removeIf(at -> at < oldest);
        return announcedAtMillis.size();
    }
}
