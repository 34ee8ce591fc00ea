package io.gourmetgram.loop.accuracy.app;

import io.gourmetgram.loop.accuracy.config.AccuracyProperties;
import io.gourmetgram.loop.accuracy.topology.AccuracyTopology;
import io.gourmetgram.loop.accuracy.topology.WindowTotals;
import io.gourmetgram.loop.events.streams.StreamsStage;
import io.gourmetgram.loop.events.topics.TopicProvisioner;
import io.gourmetgram.loop.events.topics.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.time.Clock;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/** Runs the accuracy topology with the application and exposes its window store for queries. */
@Component
public class AccuracyStreams implements SmartLifecycle, HealthIndicator {

    static final String STAGE = "accuracy-streams";

    private final AccuracyProperties properties;
    private final KafkaProperties kafka;
    private final MeterRegistry registry;
    private volatile StreamsStage stage;

    public AccuracyStreams(AccuracyProperties properties, KafkaProperties kafka, MeterRegistry registry) {
        this.properties = properties;
        this.kafka = kafka;
        this.registry = registry;
    }

    @Override
    public void start() {
        String bootstrap = String.join(",", kafka.getBootstrapServers());
        TopicProvisioner.ensure(bootstrap, List.of(Topics.LABELING_REQUESTS, Topics.ANNOTATIONS, Topics.FEEDBACK, Topics.ACCURACY_TUMBLING,
                Topics.ACCURACY_ROLLING, Topics.RETRAIN_SIGNALS, Topics.ACCURACY_DEAD_LETTER));
        Properties tuning = new Properties();
        tuning.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 500);
        stage = StreamsStage.start(AccuracyTopology.build(properties.settings(), Clock.systemUTC()), STAGE, bootstrap,
                properties.stateDir(), Topics.ACCURACY_DEAD_LETTER, tuning);
        new KafkaStreamsMetrics(stage.streams()).bindTo(registry);
    }

    /**
     * The local window store. One instance holds every window only when it runs alone (or owns all
     * partitions of the repartition topic): see README, "Several instances".
     */
    public ReadOnlyKeyValueStore<String, WindowTotals> windows() {
        StreamsStage s = stage;
        if (s == null) {
            throw new IllegalStateException("accuracy-streams is not started");
        }
        return s.store(AccuracyTopology.WINDOWS, QueryableStoreTypes.keyValueStore());
    }

    @Override
    public void stop() {
        if (stage != null) {
            stage.close();
            stage = null;
        }
    }

    @Override
    public boolean isRunning() {
        return stage != null;
    }

    @Override
    public Health health() {
        StreamsStage s = stage;
        if (s == null) {
            return Health.down().withDetail("state", "not started").build();
        }
        return (s.healthy() ? Health.up() : Health.down()).withDetail("state", s.state()).build();
    }
}
