package io.gourmetgram.loop.ingest.feedback;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * At most {@code limit} calls per key in each fixed window of time. Memory is bounded: beyond
 * {@code maxKeys} the least recently charged key is forgotten (which only ever lets a caller through).
 */
final class WindowQuota {

    private record Window(long startMillis, int used) {}

    private final int limit;
    private final long windowMillis;
    private final Clock clock;
    private final Map<String, Window> windows;

    WindowQuota(int limit, Duration window, int maxKeys, Clock clock) {
        this.limit = limit;
        this.windowMillis = window.toMillis();
        this.clock = clock;
        this.windows = new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Window> eldest) {
                return size() > maxKeys;
            }
        };
    }

    /** Counts one call for {@code key}; empty if allowed, else the seconds until the key may call again. */
    synchronized OptionalLong charge(String key) {
        long now = clock.millis();
        Window window = windows.get(key);
        if (window == null || now - window.startMillis() >= windowMillis) {
            window = new Window(now, 0);
        }
        if (window.used() >= limit) {
            long waitMillis = window.startMillis() + windowMillis - now;
            return OptionalLong.of(Math.max(1, (waitMillis + 999) / 1000));
        }
        windows.put(key, new Window(window.startMillis(), window.used() + 1));
        return OptionalLong.empty();
    }

    int limit() {
        return limit;
    }
}
