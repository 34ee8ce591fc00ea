package io.gourmetgram.loop.accuracy.query;

import io.gourmetgram.loop.accuracy.app.AccuracyStreams;
import io.gourmetgram.loop.accuracy.topology.WindowTotals;
import io.gourmetgram.loop.events.AccuracyWindow;
import io.gourmetgram.loop.events.WindowType;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Optional;
import java.util.function.ToDoubleFunction;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.springframework.stereotype.Component;

/**
 * Prometheus gauges for the latest complete tumbling window (the one that ended most recently),
 * read from the state store at scrape time: the weighted estimate and its bounds, the random
 * stratum's estimate, and the labelled count. NaN while there is none.
 */
@Component
public class AccuracyGauges {

    private final AccuracyStreams streams;
    private final Clock clock = Clock.systemUTC();

    public AccuracyGauges(AccuracyStreams streams, MeterRegistry registry) {
        this.streams = streams;
        gauge(registry, "gourmetgram.accuracy.latest.weighted", "Weighted (Hájek) accuracy estimate", w -> value(w.weighted().accuracy()));
        gauge(registry, "gourmetgram.accuracy.latest.weighted.lower", "Lower 95% bound", w -> value(w.weighted().lower()));
        gauge(registry, "gourmetgram.accuracy.latest.weighted.upper", "Upper 95% bound", w -> value(w.weighted().upper()));
        gauge(registry, "gourmetgram.accuracy.latest.random", "Accuracy on the random stratum", w -> value(w.randomStratum().accuracy()));
        gauge(registry, "gourmetgram.accuracy.latest.labelled", "Labelled uploads in the window", w -> w.labelled());
    }

    private void gauge(MeterRegistry registry, String name, String description, ToDoubleFunction<AccuracyWindow> value) {
        Gauge.builder(name, this, g -> g.latestComplete().map(value::applyAsDouble).orElse(Double.NaN))
                .description(description + ", latest complete tumbling window").register(registry);
    }

    Optional<AccuracyWindow> latestComplete() {
        WindowTotals latest = null;
        try (KeyValueIterator<String, WindowTotals> all = streams.windows().all()) {
            while (all.hasNext()) {
                WindowTotals w = all.next().value;
                if (w.windowType() == WindowType.TUMBLING && !w.windowEnd().isAfter(clock.instant())
                        && (latest == null || w.windowEnd().isAfter(latest.windowEnd()))) {
                    latest = w;
                }
            }
        } catch (IllegalStateException e) {
            return Optional.empty();
        }
        return Optional.ofNullable(latest).map(w -> w.toAccuracyWindow(clock.instant()));
    }

    private static double value(Double d) {
        return d == null ? Double.NaN : d;
    }
}
