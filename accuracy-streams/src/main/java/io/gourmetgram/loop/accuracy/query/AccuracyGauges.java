package io.gourmetgram.loop.accuracy.query;

import io.gourmetgram.loop.accuracy.app.AccuracyStreams;
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
 * read from the state store at scrape time: the production estimate and its bounds, the weighted
 * (Hájek) estimate and its bounds, the random stratum's estimate, the labelled count and the number
 * of predictions. NaN while there is none (or while the production estimate is insufficient).
 */
@Component
public class AccuracyGauges {

    private final AccuracyStreams streams;
    private final Clock clock = Clock.systemUTC();

    public AccuracyGauges(AccuracyStreams streams, MeterRegistry registry) {
        this.streams = streams;
        gauge(
                registry,
                "gourmetgram.accuracy.latest.production",
                "Production accuracy estimate (stratified difference)",
                w -> w.production() == null ? Double.NaN : value(w.production().accuracy()));
        gauge(
                registry,
                "gourmetgram.accuracy.latest.production.lower",
                "Production estimate, lower 95% bound",
                w -> w.production() == null ? Double.NaN : value(w.production().lower()));
        gauge(
                registry,
                "gourmetgram.accuracy.latest.production.upper",
                "Production estimate, upper 95% bound",
                w -> w.production() == null ? Double.NaN : value(w.production().upper()));
        gauge(
                registry,
                "gourmetgram.accuracy.latest.predictions",
                "Predictions in the window",
                w -> w.predictions() == null ? Double.NaN : w.predictions());
        gauge(
                registry,
                "gourmetgram.accuracy.latest.weighted",
                "Weighted (Hájek) accuracy estimate",
                w -> value(w.weighted().accuracy()));
        gauge(
                registry,
                "gourmetgram.accuracy.latest.weighted.lower",
                "Lower 95% bound",
                w -> value(w.weighted().lower()));
        gauge(
                registry,
                "gourmetgram.accuracy.latest.weighted.upper",
                "Upper 95% bound",
                w -> value(w.weighted().upper()));
        gauge(
                registry,
                "gourmetgram.accuracy.latest.random",
                "Accuracy on the random stratum",
                w -> value(w.randomStratum().accuracy()));
        gauge(registry, "gourmetgram.accuracy.latest.labelled", "Labelled uploads in the window", w -> w.labelled());
    }

    private void gauge(
            MeterRegistry registry, String name, String description, ToDoubleFunction<AccuracyWindow> value) {
        Gauge.builder(
                        name,
                        this,
                        g -> g.latestComplete().map(value::applyAsDouble).orElse(Double.NaN))
                .description(description + ", latest complete tumbling window")
                .register(registry);
    }

    /** From the global store, so every instance reports the same window (not the latest of its own partitions). */
    Optional<AccuracyWindow> latestComplete() {
        AccuracyWindow latest = null;
        try (KeyValueIterator<String, AccuracyWindow> all =
                streams.allWindows(WindowType.TUMBLING).all()) {
            while (all.hasNext()) {
                AccuracyWindow w = all.next().value;
                if (w != null
                        && !w.windowEnd().isAfter(clock.instant())
                        && (latest == null || w.windowEnd().isAfter(latest.windowEnd()))) {
                    latest = w;
                }
            }
        } catch (IllegalStateException e) {
            return Optional.empty();
        }
        return Optional.ofNullable(latest);
    }

    private static double value(Double d) {
        return d == null ? Double.NaN : d;
    }
}
