package io.gourmetgram.loop.accuracy.app;

import io.gourmetgram.loop.accuracy.config.AccuracyProperties;
import io.gourmetgram.loop.accuracy.topology.AccuracyTopology;
import io.gourmetgram.loop.accuracy.topology.WindowTotals;
import io.gourmetgram.loop.events.errors.StreamsErrorPolicy;
import io.gourmetgram.loop.events.topics.TopicProvisioner;
import io.gourmetgram.loop.events.topics.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
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
    private volatile KafkaStreams streams;

    public AccuracyStreams(AccuracyProperties properties, KafkaProperties kafka, MeterRegistry registry) {
        this.properties = properties;
        this.kafka = kafka;
        this.registry = registry;
    }

    @Override
    public void start() {
        String bootstrap = String.join(",", kafka.getBootstrapServers());
        TopicProvisioner.ensure(bootstrap, List.of(Topics.LABELING_REQUESTS, Topics.ANNOTATIONS, Topics.ACCURACY_TUMBLING,
                Topics.ACCURACY_ROLLING, Topics.RETRAIN_SIGNALS, Topics.ACCURACY_DEAD_LETTER));
        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, STAGE);
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        config.put(StreamsConfig.STATE_DIR_CONFIG, properties.stateDir());
        config.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 500);
        StreamsErrorPolicy.apply(config, STAGE, Topics.ACCURACY_DEAD_LETTER);
        KafkaStreams created = new KafkaStreams(AccuracyTopology.build(properties.settings(), Clock.systemUTC()), config);
        StreamsErrorPolicy.install(created, STAGE);
        new KafkaStreamsMetrics(created).bindTo(registry);
        created.start();
        streams = created;
    }

    /**
     * The local window store. One instance holds every window only when it runs alone (or owns all
     * partitions of the repartition topic): see README, "Several instances".
     */
    public ReadOnlyKeyValueStore<String, WindowTotals> windows() {
        KafkaStreams s = streams;
        if (s == null || s.state() != KafkaStreams.State.RUNNING) {
            throw new IllegalStateException("accuracy-streams is not running yet (state " + (s == null ? "NOT_STARTED" : s.state()) + ")");
        }
        return s.store(StoreQueryParameters.fromNameAndType(AccuracyTopology.WINDOWS, QueryableStoreTypes.keyValueStore()));
    }

    @Override
    public void stop() {
        KafkaStreams s = streams;
        if (s != null) {
            s.close(Duration.ofSeconds(30));
            streams = null;
        }
    }

    @Override
    public boolean isRunning() {
        return streams != null;
    }

    @Override
    public Health health() {
        KafkaStreams s = streams;
        if (s == null) {
            return Health.down().withDetail("state", "not started").build();
        }
        boolean up = s.state() == KafkaStreams.State.RUNNING || s.state() == KafkaStreams.State.REBALANCING;
        return (up ? Health.up() : Health.down()).withDetail("state", s.state().name()).build();
    }
}
