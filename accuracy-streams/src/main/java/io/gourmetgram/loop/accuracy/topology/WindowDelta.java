package io.gourmetgram.loop.accuracy.topology;

import io.gourmetgram.loop.events.AccuracyWindow;
import io.gourmetgram.loop.events.WindowType;
import java.time.Instant;

/** Add (+1) or retract (−1) a contribution to one window; keyed by {@link #key()}. */
public record WindowDelta(WindowType windowType, Instant windowStart, Instant windowEnd, int sign, Contribution contribution) {

    public String key() {
        return AccuracyWindow.key(windowType, windowStart, contribution.model());
    }
}
