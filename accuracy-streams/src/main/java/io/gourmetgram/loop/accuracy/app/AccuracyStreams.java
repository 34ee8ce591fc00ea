package io.gourmetgram.loop.accuracy.app;

import io.gourmetgram.loop.accuracy.config.AccuracyProperties;
import io.gourmetgram.loop.accuracy.topology.AccuracyTopology;
import io.gourmetgram.loop.accuracy.topology.AllWindows;
import io.gourmetgram.loop.accuracy.topology.WindowTotals;
import io.gourmetgram.loop.events.AccuracyWindow;
import io.gourmetgram.loop.events.WindowType;
import io.gourmetgram.loop.events.topics.TopicSpec;
import io.gourmetgram.loop.events.topics.Topics;
import io.gourmetgram.loop.support.streams.StreamsStage;
import io.gourmetgram.loop.support.streams.StreamsStageLifecycle;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.stereotype.Component;

/** Runs the accuracy topology with the application and exposes its window store for queries. */
@Component
public class AccuracyStreams extends StreamsStageLifecycle {

    static final String STAGE = "accuracy-streams";

    /** The topics the accuracy topology reads and writes (created at start-up). */
    public static final List<TopicSpec<?>> TOPICS = List.of(
            Topics.PREDICTIONS,
            Topics.LABELING_REQUESTS,
            Topics.ANNOTATIONS,
            Topics.FEEDBACK,
            Topics.ACCURACY_TUMBLING,
            Topics.ACCURACY_ROLLING,
            Topics.RETRAIN_SIGNALS,
            Topics.ACCURACY_DEAD_LETTER);

    private final AccuracyProperties properties;

    public AccuracyStreams(AccuracyProperties properties, KafkaProperties kafka, MeterRegistry registry) {
        super(
                new Definition(
                        STAGE,
                        properties.stateDir(),
                        Topics.ACCURACY_DEAD_LETTER,
                        TOPICS,
                        tuning(),
                        properties.stallTimeout()),
                kafka,
                registry);
        this.properties = properties;
    }

    public static Properties tuning() {
        return StreamsStage.committingEvery(Duration.ofMillis(500));
    }

    @Override
    protected Topology topology() {
        return AccuracyTopology.build(properties.settings(), Clock.systemUTC());
    }

    /**
     * The local window store. One instance holds every window only when it runs alone (or owns all
     * partitions of the repartition topic): see README, "Several instances".
     */
    public ReadOnlyKeyValueStore<String, WindowTotals> windows() {
        return stage().store(AccuracyTopology.WINDOWS, QueryableStoreTypes.keyValueStore());
    }

    /** Every published window of this type, whichever instance computed it (global store, {@link AllWindows}). */
    public ReadOnlyKeyValueStore<String, AccuracyWindow> allWindows(WindowType type) {
        return stage().store(AllWindows.storeOf(type), QueryableStoreTypes.keyValueStore());
    }

    /** Per-reason and per-class figures with fewer labels are published as insufficient. */
    public long minLabels() {
        return properties.minLabels();
    }
}
