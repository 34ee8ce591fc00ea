package io.gourmetgram.loop.accuracy.topology;

import java.time.Instant;

/** Add (+1) or retract (−1) a contribution to one window; keyed by {@link #key()}. */
public record WindowDelta(String windowType, Instant windowStart, Instant windowEnd, int sign, Contribution contribution) {

    public String key() {
        return WindowTotals.key(windowType, windowStart, contribution.model().qualifiedName());
    }
}
