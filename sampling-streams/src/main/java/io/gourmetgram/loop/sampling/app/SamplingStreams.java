package io.gourmetgram.loop.sampling.app;

import io.gourmetgram.loop.events.streams.StreamsStage;
import io.gourmetgram.loop.events.topics.TopicProvisioner;
import io.gourmetgram.loop.events.topics.Topics;
import io.gourmetgram.loop.sampling.config.SamplingProperties;
import io.gourmetgram.loop.sampling.topology.LabelingRequestTopology;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.util.List;
import java.util.Properties;
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
    private volatile StreamsStage stage;

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
        Properties tuning = new Properties();
        tuning.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 200);
        stage = StreamsStage.start(LabelingRequestTopology.build(properties.settings(), registry), STAGE, bootstrap,
                properties.stateDir(), Topics.SAMPLING_DEAD_LETTER, tuning);
        new KafkaStreamsMetrics(stage.streams()).bindTo(registry);
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
