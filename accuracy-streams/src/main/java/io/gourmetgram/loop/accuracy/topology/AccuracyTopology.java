package io.gourmetgram.loop.accuracy.topology;

import io.gourmetgram.loop.accuracy.estimate.BandedStratum;
import io.gourmetgram.loop.events.AccuracyWindow;
import io.gourmetgram.loop.events.Annotation;
import io.gourmetgram.loop.events.Feedback;
import io.gourmetgram.loop.events.FeedbackKind;
import io.gourmetgram.loop.events.JsonSerde;
import io.gourmetgram.loop.events.LabelingRequest;
import io.gourmetgram.loop.events.Prediction;
import io.gourmetgram.loop.events.WindowType;
import io.gourmetgram.loop.events.topics.Topics;
import io.gourmetgram.loop.support.streams.UploadKeyCheck;
import java.time.Clock;
import java.time.Instant;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * predictions + labeling-requests + annotations (+ confirmations from feedback) → accuracy-tumbling, accuracy-rolling, retrain-signals. Stage one
 * (keyed by upload id) counts every prediction in its windows, keeps each requested upload's contribution (stratum
 * and label) and emits add/retract deltas per window; they are
 * repartitioned by window and model and summed in {@code accuracy-windows}, which the HTTP API
 * queries. Each change re-emits the window's record with fresh estimates: rolling windows directly,
 * tumbling windows after a repartition by model, where {@link HourlyProductionEstimate} gives them the
 * small-area estimate from the windows before them (and the retrain detector sees them).
 */
public final class AccuracyTopology {

    public static final String WINDOWS = "accuracy-windows";

    private AccuracyTopology() {}

    public static Topology build(AccuracySettings settings, Clock clock) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(store(settings, ContributionTracker.REQUESTS, LabelingRequest.class));
        builder.addStateStore(store(settings, ContributionTracker.ANNOTATIONS, UploadAnnotations.class));
        builder.addStateStore(store(settings, ContributionTracker.CONTRIBUTIONS, Contribution.class));
        builder.addStateStore(store(settings, ContributionTracker.CONFIRMATIONS, Instant.class));

        KStream<String, Object> predictions = builder.stream(
                        Topics.PREDICTIONS.name(), Consumed.with(Serdes.String(), Topics.PREDICTIONS.valueSerde()))
                .processValues(UploadKeyCheck.values(Topics.PREDICTIONS, Prediction::uploadId))
                .mapValues(p -> (Object) p);
        KStream<String, Object> requests = builder.stream(
                        Topics.LABELING_REQUESTS.name(),
                        Consumed.with(Serdes.String(), Topics.LABELING_REQUESTS.valueSerde()))
                .processValues(UploadKeyCheck.values(Topics.LABELING_REQUESTS, LabelingRequest::uploadId))
                .mapValues(r -> (Object) r);
        KStream<String, Object> annotations = builder.stream(
                        Topics.ANNOTATIONS.name(), Consumed.with(Serdes.String(), Topics.ANNOTATIONS.valueSerde()))
                .processValues(UploadKeyCheck.values(Topics.ANNOTATIONS, Annotation::uploadId))
                .mapValues(a -> (Object) a);

        KStream<String, Object> confirmations = builder.stream(
                        Topics.FEEDBACK.name(), Consumed.with(Serdes.String(), Topics.FEEDBACK.valueSerde()))
                .processValues(UploadKeyCheck.values(Topics.FEEDBACK, Feedback::uploadId))
                .filter((id, f) -> f.kind() == FeedbackKind.CONFIRMATION)
                .mapValues(f -> (Object) f);

        KStream<String, WindowTotals> totals = predictions
                .merge(requests)
                .merge(annotations)
                .merge(confirmations)
                .process(
                        () -> new ContributionTracker(settings),
                        ContributionTracker.REQUESTS,
                        ContributionTracker.ANNOTATIONS,
                        ContributionTracker.CONTRIBUTIONS,
                        ContributionTracker.CONFIRMATIONS)
                .groupByKey(Grouped.with("accuracy-deltas", Serdes.String(), JsonSerde.of(WindowDelta.class)))
                .aggregate(
                        () -> null,
                        (key, delta, sums) -> (sums == null ? WindowTotals.empty(delta) : sums).apply(delta),
                        Materialized.<String, WindowTotals>as(windowStore(settings))
                                .withKeySerde(Serdes.String())
                                .withValueSerde(JsonSerde.of(WindowTotals.class)))
                .toStream();
        // tumbling windows are estimated with the windows before them: all of a model's windows in one task
        builder.addStateStore(store(settings, HourlyProductionEstimate.TRAILING, BandedStratum.class));
        KStream<String, AccuracyWindow> byModel = totals.filter((k, t) -> t.windowType() == WindowType.TUMBLING)
                .selectKey((k, t) -> t.model().qualifiedName())
                .repartition(Repartitioned.with(Serdes.String(), JsonSerde.of(WindowTotals.class))
                        .withName("accuracy-tumbling-by-model"))
                .process(() -> new HourlyProductionEstimate(settings, clock), HourlyProductionEstimate.TRAILING);
        byModel.selectKey((model, w) -> w.key())
                .to(
                        Topics.ACCURACY_TUMBLING.name(),
                        Produced.with(Serdes.String(), Topics.ACCURACY_TUMBLING.valueSerde()));
        builder.addStateStore(
                store(settings, RetrainSignalDetector.WINDOW_STATE, RetrainSignalDetector.WindowState.class));
        builder.addStateStore(store(settings, RetrainSignalDetector.MODEL_STATE, Long.class));
        byModel.process(
                        () -> new RetrainSignalDetector(settings),
                        RetrainSignalDetector.WINDOW_STATE,
                        RetrainSignalDetector.MODEL_STATE)
                .to(Topics.RETRAIN_SIGNALS.name(), Produced.with(Serdes.String(), Topics.RETRAIN_SIGNALS.valueSerde()));
        totals.filter((k, t) -> t.windowType() == WindowType.ROLLING)
                .mapValues(t -> t.toAccuracyWindow(clock.instant(), settings.minLabels()))
                .to(
                        Topics.ACCURACY_ROLLING.name(),
                        Produced.with(Serdes.String(), Topics.ACCURACY_ROLLING.valueSerde()));
        AllWindows.addTo(builder, settings);
        return builder.build();
    }

    private static <V> StoreBuilder<KeyValueStore<String, V>> store(
            AccuracySettings settings, String name, Class<V> type) {
        KeyValueBytesStoreSupplier supplier =
                settings.persistent() ? Stores.persistentKeyValueStore(name) : Stores.inMemoryKeyValueStore(name);
        return Stores.keyValueStoreBuilder(supplier, Serdes.String(), JsonSerde.of(type));
    }

    private static KeyValueBytesStoreSupplier windowStore(AccuracySettings settings) {
        return settings.persistent() ? Stores.persistentKeyValueStore(WINDOWS) : Stores.inMemoryKeyValueStore(WINDOWS);
    }
}
