package io.gourmetgram.loop.accuracy.curation;

import io.gourmetgram.loop.events.EventJson;
import io.gourmetgram.loop.events.Food11;
import io.gourmetgram.loop.events.errors.StreamsErrorPolicy;
import io.gourmetgram.loop.events.topics.TopicProvisioner;
import io.gourmetgram.loop.events.topics.Topics;
import io.minio.MinioClient;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/** Runs the curation topology beside the accuracy one, under its own application id. */
@Component
public class CurationStreams implements SmartLifecycle, HealthIndicator {

    static final String APPLICATION_ID = "accuracy-streams-curation";

    private final CurationProperties properties;
    private final KafkaProperties kafka;
    private volatile KafkaStreams streams;

    public CurationStreams(CurationProperties properties, KafkaProperties kafka) {
        this.properties = properties;
        this.kafka = kafka;
    }

    @Override
    public void start() {
        String bootstrap = String.join(",", kafka.getBootstrapServers());
        TopicProvisioner.ensure(bootstrap, List.of(Topics.PREDICTIONS, Topics.LABELING_REQUESTS, Topics.ANNOTATIONS,
                Topics.ACCURACY_DEAD_LETTER));
        DatasetStore store = new DatasetStore(MinioClient.builder().endpoint(properties.s3().endpoint())
                .credentials(properties.s3().accessKey(), properties.s3().secretKey()).build());
        try {
            store.ensureBuckets();
        } catch (Exception e) {
            throw new IllegalStateException("Could not create the dataset buckets at " + properties.s3().endpoint() + ": "
                    + e.getMessage(), e);
        }
        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, APPLICATION_ID);
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        config.put(StreamsConfig.STATE_DIR_CONFIG, properties.stateDir());
        StreamsErrorPolicy.apply(config, APPLICATION_ID, Topics.ACCURACY_DEAD_LETTER);
        KafkaStreams created = new KafkaStreams(CurationTopology.build(store, labels(), properties.confidentAbove(), true), config);
        StreamsErrorPolicy.install(created, APPLICATION_ID);
        created.start();
        streams = created;
    }

    private List<String> labels() {
        if (properties.labelsFile() == null) {
            return Food11.LABELS;
        }
        try {
            List<String> labels = new ArrayList<>();
            EventJson.mapper().readTree(Files.readAllBytes(properties.labelsFile())).path("labels")
                    .forEach(l -> labels.add(l.asString()));
            return List.copyOf(labels);
        } catch (Exception e) {
            throw new IllegalStateException("MODEL_LABELS_FILE " + properties.labelsFile() + " is not a readable model.json", e);
        }
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
        boolean up = s != null && (s.state() == KafkaStreams.State.RUNNING || s.state() == KafkaStreams.State.REBALANCING);
        return (up ? Health.up() : Health.down()).withDetail("state", s == null ? "not started" : s.state().name()).build();
    }
}
