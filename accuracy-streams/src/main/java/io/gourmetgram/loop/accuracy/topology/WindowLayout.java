package io.gourmetgram.loop.accuracy.topology;

import io.gourmetgram.loop.events.WindowType;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a prediction time falls: its bucket and the windows containing it. Buckets are the largest
 * span every tumbling and every rolling window is made of (the greatest common divisor of the
 * tumbling size and the rolling step: 1 h with the defaults), so a window's totals are the sum of
 * its buckets' totals and a change is counted once per bucket instead of once per window.
 */
final class WindowLayout {

    /** One window: its type and bounds in epoch milliseconds. */
    record Window(WindowType type, long start, long end) {}

    private final long tumbling;
    private final long step;
    private final long rolling;
    private final long bucket;

    WindowLayout(AccuracySettings settings) {
        this.tumbling = settings.tumbling().toMillis();
        this.step = settings.rollingStep().toMillis();
        this.rolling = settings.rollingSize().toMillis();
        this.bucket = BigInteger.valueOf(tumbling).gcd(BigInteger.valueOf(step)).longValueExact();
    }

    long bucketStart(long t) {
        return Math.floorDiv(t, bucket) * bucket;
    }

    long bucketEnd(long t) {
        return bucketStart(t) + bucket;
    }

    /** The tumbling window containing {@code t}, then every rolling window containing it, latest start first. */
    List<Window> containing(long t) {
        List<Window> windows = new ArrayList<>(1 + (int) (rolling / step));
        long start = Math.floorDiv(t, tumbling) * tumbling;
        windows.add(new Window(WindowType.TUMBLING, start, start + tumbling));
        for (long s = Math.floorDiv(t, step) * step; s > t - rolling; s -= step) {
            windows.add(new Window(WindowType.ROLLING, s, s + rolling));
        }
        return windows;
    }
}
