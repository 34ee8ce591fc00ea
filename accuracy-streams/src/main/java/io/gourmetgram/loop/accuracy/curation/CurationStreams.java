package io.gourmetgram.loop.accuracy.curation;

import io.gourmetgram.loop.events.ModelLabels;
import io.gourmetgram.loop.events.streams.StreamsStage;
import io.gourmetgram.loop.events.topics.TopicProvisioner;
import io.gourmetgram.loop.events.topics.Topics;
import io.minio.MinioClient;
import java.util.List;
import java.util.Properties;
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
    private volatile StreamsStage stage;

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
        stage = StreamsStage.start(CurationTopology.build(store, labels(), properties.confidentAbove(), true), APPLICATION_ID,
                bootstrap, properties.stateDir(), Topics.ACCURACY_DEAD_LETTER, new Properties());
    }

    private List<String> labels() {
        return (properties.labelsFile() == null ? ModelLabels.food11() : ModelLabels.fromSidecar(properties.labelsFile())).labels();
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
        boolean up = s != null && s.healthy();
        return (up ? Health.up() : Health.down()).withDetail("state", s == null ? "not started" : s.state()).build();
    }
}
