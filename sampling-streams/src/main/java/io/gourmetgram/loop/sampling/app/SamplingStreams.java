package io.gourmetgram.loop.sampling.app;

import io.gourmetgram.loop.events.errors.StreamsErrorPolicy;
import io.gourmetgram.loop.events.topics.TopicProvisioner;
import io.gourmetgram.loop.events.topics.Topics;
import io.gourmetgram.loop.sampling.config.SamplingProperties;
import io.gourmetgram.loop.sampling.topology.LabelingRequestTopology;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/** Runs the labeling-request topology with the application; health follows the Kafka Streams state. */
@Component
public class SamplingStreams implements SmartLifecycle, HealthIndicator {

    static final String STAGE = "sampling-streams";

    private final SamplingProperties properties;
    private final KafkaProperties kafka;
    private final MeterRegistry registry;
    private KafkaStreams streams;

    public SamplingStreams(SamplingProperties properties, KafkaProperties kafka, MeterRegistry registry) {
        this.properties = properties;
        this.kafka = kafka;
        this.registry = registry;
    }

    @Override
    public void start() {
        String bootstrap = String.join(",", kafka.getBootstrapServers());
        TopicProvisioner.ensure(bootstrap, List.of(Topics.PREDICTIONS, Topics.FEEDBACK, Topics.LABELING_REQUESTS,
                Topics.SAMPLING_DEAD_LETTER));
        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, STAGE);
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        config.put(StreamsConfig.STATE_DIR_CONFIG, properties.stateDir());
        config.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 200);
        StreamsErrorPolicy.apply(config, STAGE, Topics.SAMPLING_DEAD_LETTER);
        streams = new KafkaStreams(LabelingRequestTopology.build(properties.settings(), registry), config);
        StreamsErrorPolicy.install(streams, STAGE);
        new KafkaStreamsMetrics(streams).bindTo(registry);
        streams.start();
    }

    @Override
    public void stop() {
        if (streams != null) {
            streams.close(Duration.ofSeconds(30));
            streams = null;
        }
    }

    @Override
    public boolean isRunning() {
        return streams != null;
    }

    @Override
    public Health health() {
        if (streams == null) {
            return Health.down().withDetail("state", "not started").build();
        }
        KafkaStreams.State state = streams.state();
        boolean up = state == KafkaStreams.State.RUNNING || state == KafkaStreams.State.REBALANCING;
        return (up ? Health.up() : Health.down()).withDetail("state", state.name()).build();
    }
}
