package io.gourmetgram.loop.localstack;

import io.gourmetgram.loop.events.topics.Topics;
import io.gourmetgram.loop.labeling.fake.FakeLabelStudio;
import io.gourmetgram.loop.support.topics.TopicLayout;
import io.gourmetgram.loop.support.topics.TopicProvisioner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The reference a multi-instance run is compared with: one instance of each stage downstream of
 * ingest-api on a broker and Label Studio of its own (same topic layout), reading photos from the
 * same S3 server. Its input — the {@code uploads} and {@code feedback} records — is copied from the
 * other run's broker ({@link InputMirror}), so both runs see exactly the same uploads and flags.
 */
final class SingleInstanceRun implements AutoCloseable {

    static final List<String> MODULES =
            List.of("inference-processor", "sampling-streams", "labeling-sink", "accuracy-streams");

    private final KafkaNode kafka;
    private final FakeLabelStudio labelStudio;
    private final List<StageProcess> stages;

    private SingleInstanceRun(KafkaNode kafka, FakeLabelStudio labelStudio, List<StageProcess> stages) {
        this.kafka = kafka;
        this.labelStudio = labelStudio;
        this.stages = stages;
    }

    /**
     * Starts the broker, provisions the catalog's topics as {@code env}'s {@code KAFKA_TOPIC_PARTITIONS}
     * says, and starts the stages without waiting for them ({@link #awaitHealthy}).
     *
     * @param env the same stage settings as the run it is compared with; bootstrap, Label Studio,
     *            public URL and state directories are this run's own
     */
    static SingleInstanceRun start(Path repo, Path dataDir, String s3Endpoint, Map<String, String> env)
            throws Exception {
        KafkaNode kafka = KafkaNode.start(dataDir.resolve("kafka"), Ports.free(), Ports.free());
        FakeLabelStudio labelStudio = FakeLabelStudio.start();
        List<StageProcess> stages = new ArrayList<>();
        try {
            TopicProvisioner.ensure(kafka.bootstrapServers(), Topics.all(), TopicLayout.from(env::get));
            Map<String, String> own = new HashMap<>(env);
            own.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
            own.put("S3_ENDPOINT", s3Endpoint);
            own.put("S3_ACCESS_KEY", S3Node.ACCESS_KEY);
            own.put("S3_SECRET_KEY", S3Node.SECRET_KEY);
            own.put("LABEL_STUDIO_URL", labelStudio.url());
            own.put("INSTANCE_ID", "single");
            own.put("SAMPLING_STATE_DIR", dataDir.resolve("sampling-state").toString());
            own.put("ACCURACY_STATE_DIR", dataDir.resolve("accuracy-state").toString());
            own.put("CURATION_STATE_DIR", dataDir.resolve("curation-state").toString());
            for (String module : MODULES) {
                Stage stage = new Stage(module, Ports.free(), Ports.free());
                Map<String, String> stageEnv = new HashMap<>(own);
                if (module.equals("labeling-sink")) {
                    stageEnv.put("LABELING_PUBLIC_URL", "http://127.0.0.1:" + stage.port());
                    stageEnv.remove("LABELING_WEBHOOK_URL");
                }
                stages.add(StageProcess.start(stage, stage.jar(repo), dataDir.resolve("logs"), stageEnv));
            }
            return new SingleInstanceRun(kafka, labelStudio, List.copyOf(stages));
        } catch (Exception | Error e) {
            new SingleInstanceRun(kafka, labelStudio, stages).close();
            throw e;
        }
    }

    void awaitHealthy(Duration timeout) throws InterruptedException {
        for (StageProcess stage : stages) {
            stage.awaitHealthy(timeout);
        }
    }

    String kafkaBootstrap() {
        return kafka.bootstrapServers();
    }

    FakeLabelStudio labelStudio() {
        return labelStudio;
    }

    StageProcess stage(String module) {
        return stages.stream()
                .filter(s -> s.stage().module().equals(module))
                .findFirst()
                .orElseThrow();
    }

    @Override
    public void close() throws Exception {
        for (StageProcess stage : stages.reversed()) {
            stage.close();
        }
        labelStudio.close();
        kafka.close();
    }
}
