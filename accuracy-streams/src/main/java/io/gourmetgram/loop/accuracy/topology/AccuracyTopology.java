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
 * predictions + labeling-requests + annotations (+ confirmations from feedback) → accuracy-tumbling,
 * accuracy-rolling, retrain-signals, in four steps:
 *
 * <ol>
 *   <li>per upload ({@link ContributionTracker}): each prediction is counted once, and the latest request joined
 *       with its standing annotations is one contribution; a change sends −old/+new as one delta to the hour
 *       bucket of its prediction time (repartition {@code accuracy-bucket-deltas});
 *   <li>per bucket ({@code accuracy-buckets}): totals of the hour; {@link BucketChanges} forwards what changed
 *       since the last commit to the tumbling window and the 24 rolling windows that contain the hour
 *       (repartition {@code accuracy-window-changes}), so a busy hour costs one update per window per commit,
 *       not one per prediction;
 *   <li>per window ({@code accuracy-windows}): the published totals; rolling windows go out with their
 *       design-based estimate;
 *   <li>per model version (repartition {@code accuracy-tumbling-by-model}): {@link HourlyProductionEstimate}
 *       estimates each hourly window with the 24 before it (the small-area estimate) and feeds the
 *       {@link RetrainSignalDetector}.
 * </ol>
 */
public final class AccuracyTopology {

    /** Totals per window and model version (what is published), partitioned by window. */
    public static final String WINDOWS = "accuracy-windows";
    /** Totals per bucket of prediction time and model version, partitioned by bucket. */
    static final String BUCKETS = "accuracy-buckets";

    private AccuracyTopology() {}

    public static Topology build(AccuracySettings settings, Clock clock) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Stores.keyValueStoreBuilder(
                keyValueStore(settings, ContributionTracker.REQUESTS),
                Serdes.String(),
                CompactFormat.latestRequests()));
        builder.addStateStore(Stores.keyValueStoreBuilder(
                keyValueStore(settings, ContributionTracker.ANNOTATIONS),
                Serdes.String(),
                CompactFormat.uploadAnnotations()));
        builder.addStateStore(Stores.keyValueStoreBuilder(
                keyValueStore(settings, ContributionTracker.CONTRIBUTIONS),
                Serdes.String(),
                CompactFormat.contributions()));
        builder.addStateStore(store(settings, ContributionTracker.CONFIRMATIONS, Instant.class));
        builder.addStateStore(Stores.keyValueStoreBuilder(
                keyValueStore(settings, BucketChanges.SENT), Serdes.String(), CompactFormat.totals()));

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
                .groupByKey(Grouped.with("accuracy-bucket-deltas", Serdes.String(), CompactFormat.deltas()))
                .aggregate(
                        () -> null,
                        (key, delta, sums) -> (sums == null ? WindowTotals.empty(delta) : sums).apply(delta),
                        Materialized.<String, WindowTotals>as(keyValueStore(settings, BUCKETS))
                                .withKeySerde(Serdes.String())
                                .withValueSerde(CompactFormat.totals()))
                .toStream()
                .process(() -> new BucketChanges(settings), BucketChanges.SENT)
                .groupByKey(Grouped.with("accuracy-window-changes", Serdes.String(), CompactFormat.totals()))
                .aggregate(
                        () -> null,
                        (key, change, sums) -> sums == null ? change : sums.plus(change, 1),
                        Materialized.<String, WindowTotals>as(keyValueStore(settings, WINDOWS))
                                .withKeySerde(Serdes.String())
                                .withValueSerde(CompactFormat.totals()))
                .toStream();
        // tumbling windows are estimated with the windows before them: all of a model's windows in one task
        builder.addStateStore(store(settings, HourlyProductionEstimate.TRAILING, BandedStratum.class));
        KStream<String, AccuracyWindow> byModel = totals.filter((k, t) -> t.windowType() == WindowType.TUMBLING)
                .selectKey((k, t) -> t.model().qualifiedName())
                .repartition(Repartitioned.with(Serdes.String(), CompactFormat.totals())
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
        return Stores.keyValueStoreBuilder(keyValueStore(settings, name), Serdes.String(), JsonSerde.of(type));
    }

    private static KeyValueBytesStoreSupplier keyValueStore(AccuracySettings settings, String name) {
        return settings.persistent() ? Stores.persistentKeyValueStore(name) : Stores.inMemoryKeyValueStore(name);
    }
}
