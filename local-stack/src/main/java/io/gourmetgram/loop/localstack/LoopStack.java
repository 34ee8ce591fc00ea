package io.gourmetgram.loop.localstack;

import io.gourmetgram.loop.events.topics.Topics;
import io.gourmetgram.loop.support.topics.TopicLayout;
import io.gourmetgram.loop.support.topics.TopicProvisioner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Kafka, S3 and the stages, started in order and stopped in reverse. */
public final class LoopStack implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LoopStack.class);
    /** Shows health details on every stage's management port (loopback only); a default for the local stack alone. */
    static final String LOCAL_MANAGEMENT_TOKEN = "local-stack-management-token-0123456789";

    private final StackConfig config;
    private volatile KafkaNode kafka;
    private volatile S3Node s3;
    private final List<StageProcess> stages;
    /** Makes missing start-up archives after the stack is up; stopped with the stack. */
    private volatile Thread archiveMaker;

    private LoopStack(StackConfig config, KafkaNode kafka, S3Node s3, List<StageProcess> stages) {
        this.config = config;
        this.kafka = kafka;
        this.s3 = s3;
        this.stages = new ArrayList<>(stages);
    }

    public static LoopStack start(StackConfig config) throws Exception {
        Ports.requireFree(config);
        KafkaNode kafka =
                KafkaNode.start(config.dataDir().resolve("kafka"), config.kafkaPort(), config.controllerPort());
        S3Node s3 = null;
        List<StageProcess> started = new ArrayList<>();
        try {
            log.info("Kafka (KRaft) ready at {}", kafka.bootstrapServers());
            s3 = S3Node.start(config.dataDir().resolve("s3"), config.s3Port());
            log.info("S3 ready at {}", s3.endpoint());
            // The layout the stages will see (KAFKA_TOPIC_PARTITIONS, … passed through), so every topic exists as they
            // expect.
            TopicProvisioner.ensure(
                    kafka.bootstrapServers(),
                    Topics.all(),
                    TopicLayout.from(name -> config.passThroughEnv().getOrDefault(name, System.getenv(name))));

            Map<String, String> env = new HashMap<>(config.passThroughEnv());
            env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
            env.put("S3_ENDPOINT", s3.endpoint());
            env.put("S3_ACCESS_KEY", S3Node.ACCESS_KEY);
            env.put("S3_SECRET_KEY", S3Node.SECRET_KEY);
            env.put("LABELING_IMAGE_LINK_SECRET", "local-stack-image-link-secret");
            env.putIfAbsent("MANAGEMENT_TOKEN", LOCAL_MANAGEMENT_TOKEN);
            env.put(
                    "SAMPLING_STATE_DIR",
                    config.dataDir().resolve("sampling-state").toString());
            env.put(
                    "ACCURACY_STATE_DIR",
                    config.dataDir().resolve("accuracy-state").toString());
            env.put(
                    "CURATION_STATE_DIR",
                    config.dataDir().resolve("curation-state").toString());
            List<Stage> built = new ArrayList<>();
            for (Stage stage : config.stages()) {
                if (!Files.isRegularFile(stage.jar(config.repoRoot()))) {
                    log.warn(
                            "Skipping {}: {} is not built (build it with ./mvnw -pl {} -am package -DskipTests)",
                            stage.module(),
                            stage.jar(config.repoRoot()),
                            stage.module());
                    continue;
                }
                built.add(stage);
            }
            Map<Stage, StartupArchive.Launch> launches = launches(config, built);
            for (Map.Entry<Stage, StartupArchive.Launch> launch : launches.entrySet()) {
                started.add(StageProcess.start(
                        launch.getKey(),
                        launch.getValue().jar(),
                        config.dataDir().resolve("logs"),
                        env,
                        launch.getValue().jvmOptions()));
            }
            for (StageProcess stage : started) {
                stage.awaitHealthy(config.startTimeout());
                log.info(
                        "{} is up on port {}, management port {} (log: {})",
                        stage.stage().module(),
                        stage.stage().port(),
                        stage.stage().managementPort(),
                        stage.log());
            }
            LoopStack stack = new LoopStack(config, kafka, s3, started);
            if (config.startupArchives()) {
                // Archives missing for this build are made now, in the background, for the next start.
                Map<Stage, StartupArchive.Launch> missing = new LinkedHashMap<>();
                launches.forEach((stage, launch) -> {
                    if (launch.jar().equals(stage.jar(config.repoRoot()))) {
                        missing.put(stage, launch);
                    }
                });
                if (!missing.isEmpty()) {
                    log.info(
                            "Making start-up archives for {} in the background (used from the next start)",
                            missing.keySet().stream().map(Stage::module).toList());
                    stack.archiveMaker = archives(config).makeInBackground(missing, env);
                }
            }
            return stack;
        } catch (Exception | Error e) {
            new LoopStack(config, kafka, s3, started).close();
            throw e;
        }
    }

    /** Each stage's jar and JVM options: from its start-up archive when there is one, else its exec jar. */
    private static Map<Stage, StartupArchive.Launch> launches(StackConfig config, List<Stage> stages) {
        Map<Stage, StartupArchive.Launch> launches = new LinkedHashMap<>();
        for (Stage stage : stages) {
            Path jar = stage.jar(config.repoRoot());
            List<String> options = config.jvmOptions().of(stage.module());
            launches.put(
                    stage,
                    config.startupArchives()
                            ? archives(config).launch(stage, jar, options)
                            : new StartupArchive.Launch(jar, options));
        }
        return launches;
    }

    private static StartupArchive archives(StackConfig config) {
        return new StartupArchive(config.startupArchiveDir(), config.startTimeout());
    }

    public String kafkaBootstrap() {
        return kafka.bootstrapServers();
    }

    public String s3Endpoint() {
        return s3.endpoint();
    }

    public synchronized List<StageProcess> stages() {
        return List.copyOf(stages);
    }

    /** The running process of a stage, by module name. */
    public synchronized StageProcess stage(String module) {
        return stages.stream()
                .filter(s -> s.stage().module().equals(module))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException(module + " is not part of this stack"));
    }

    /** Starts stages again (e.g. after they were killed), all at once, and waits until each is healthy. */
    public void restart(String... modules) throws Exception {
        List<StageProcess> again = new ArrayList<>();
        synchronized (this) {
            for (String module : modules) {
                StageProcess old = stage(module);
                StageProcess started = old.startAgain();
                stages.set(stages.indexOf(old), started);
                again.add(started);
            }
        }
        for (StageProcess stage : again) {
            stage.awaitHealthy(config.startTimeout());
        }
    }

    /** Stops the broker (controlled shutdown); {@link #startKafka()} brings it back on the same ports and data. */
    public void stopKafka() {
        kafka.close();
    }

    public void startKafka() throws Exception {
        kafka = KafkaNode.start(config.dataDir().resolve("kafka"), config.kafkaPort(), config.controllerPort());
    }

    /** The S3 server stops answering (connections refused); its objects are kept for {@link #startS3()}. */
    public void stopS3() throws Exception {
        s3.close();
    }

    public void startS3() throws Exception {
        s3 = S3Node.start(config.dataDir().resolve("s3"), config.s3Port());
    }

    @Override
    public void close() throws Exception {
        Thread maker = archiveMaker;
        if (maker != null) {
            maker.interrupt();
            maker.join(15_000);
        }
        for (StageProcess stage : stages().reversed()) {
            stage.close();
        }
        if (s3 != null) {
            s3.close();
        }
        kafka.close();
    }
}
