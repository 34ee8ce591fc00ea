package io.gourmetgram.loop.accuracy.query;

import io.gourmetgram.loop.accuracy.app.AccuracyStreams;
import io.gourmetgram.loop.events.AccuracyWindow;
import io.gourmetgram.loop.events.ModelRef;
import io.gourmetgram.loop.events.WindowType;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Prometheus gauges for the latest complete tumbling window (the one that ended most recently) of
 * each model version — one series per version, labels {@code model} (id) and {@code version} — read
 * from the global window store at scrape time: the production estimate and its bounds, the weighted
 * (Hájek) estimate and its bounds, the random stratum's estimate, the labelled count and the number
 * of predictions. NaN while the production estimate is insufficient. A model version gets its series
 * within {@link #DISCOVERY} of its first complete window; one whose windows are gone loses them.
 */
@Component
public class AccuracyGauges implements DisposableBean {

    static final Duration DISCOVERY = Duration.ofSeconds(5);
    /** One scrape reads all gauges: the store is scanned once for them, not once per series. */
    private static final Duration SCAN_REUSE = Duration.ofSeconds(1);

    private record Series(MultiGauge gauge, ToDoubleFunction<AccuracyWindow> value) {}

    private record Scan(Instant at, Map<ModelRef, AccuracyWindow> latest) {}

    private final AccuracyStreams streams;
    private final Clock clock = Clock.systemUTC();
    private final List<Series> series = new ArrayList<>();
    private final ScheduledExecutorService discovery;
    private volatile Scan scan = new Scan(Instant.MIN, Map.of());
    private Set<ModelRef> registered = Set.of();

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
        discovery = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "accuracy-gauges");
            t.setDaemon(true);
            return t;
        });
        discovery.scheduleWithFixedDelay(this::discover, 0, DISCOVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void gauge(
            MeterRegistry registry, String name, String description, ToDoubleFunction<AccuracyWindow> value) {
        MultiGauge gauge = MultiGauge.builder(name)
                .description(description + ", latest complete tumbling window of the model version")
                .register(registry);
        series.add(new Series(gauge, value));
    }

    /** Registers a series per model version that has a complete window (and drops those that have none). */
    private void discover() {
        try {
            Set<ModelRef> models = latestComplete().keySet();
            if (models.equals(registered)) {
                return;
            }
            for (Series s : series) {
                List<MultiGauge.Row<?>> rows = new ArrayList<>();
                for (ModelRef model : models) {
                    rows.add(MultiGauge.Row.of(
                            Tags.of("model", model.id(), "version", model.version()), model, m -> read(m, s.value())));
                }
                s.gauge().register(rows, true);
            }
            registered = Set.copyOf(models);
        } catch (RuntimeException e) {
            // the store is not ready yet (or is rebalancing): try again at the next round
        }
    }

    private double read(ModelRef model, ToDoubleFunction<AccuracyWindow> value) {
        AccuracyWindow w = latestComplete().get(model);
        return w == null ? Double.NaN : value.applyAsDouble(w);
    }

    /**
     * The latest complete tumbling window of each model version, from the global store, so every
     * instance reports the same windows (not the latest of its own partitions).
     */
    Map<ModelRef, AccuracyWindow> latestComplete() {
        Scan last = scan;
        Instant now = clock.instant();
        if (last.at().plus(SCAN_REUSE).isAfter(now)) {
            return last.latest();
        }
        Map<ModelRef, AccuracyWindow> latest = new HashMap<>();
        try (KeyValueIterator<String, AccuracyWindow> all =
                streams.allWindows(WindowType.TUMBLING).all()) {
            while (all.hasNext()) {
                AccuracyWindow w = all.next().value;
                if (w != null && !w.windowEnd().isAfter(now)) {
                    latest.merge(w.model(), w, (a, b) -> b.windowEnd().isAfter(a.windowEnd()) ? b : a);
                }
            }
        } catch (IllegalStateException e) {
            return Map.of(); // not running yet
        }
        scan = new Scan(now, Map.copyOf(latest));
        return latest;
    }

    private static double value(Double d) {
        return d == null ? Double.NaN : d;
    }

    @Override
    public void destroy() {
        discovery.shutdownNow();
    }
}
