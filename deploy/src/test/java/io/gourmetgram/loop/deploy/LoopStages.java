package io.gourmetgram.loop.deploy;

import io.gourmetgram.loop.localstack.Stage;
import io.gourmetgram.loop.localstack.StageProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The five stages started from their jars against a given Kafka and S3, as the local stack starts them, with a
 * start-up allowance generous enough for a loaded CI machine (five JVMs starting at once on two cores).
 */
final class LoopStages implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofMinutes(5);
    private final List<StageProcess> processes;

    private LoopStages(List<StageProcess> processes) {
        this.processes = processes;
    }

    static LoopStages start(
            String kafkaBootstrap,
            String s3Endpoint,
            String accessKey,
            String secretKey,
            Path dataDir,
            Map<String, String> extraEnv)
            throws IOException, InterruptedException {
        Map<String, String> env = new HashMap<>(extraEnv);
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafkaBootstrap);
        env.put("S3_ENDPOINT", s3Endpoint);
        env.put("S3_ACCESS_KEY", accessKey);
        env.put("S3_SECRET_KEY", secretKey);
        env.putIfAbsent("LABELING_IMAGE_LINK_SECRET", "deploy-tests-image-link-secret");
        env.put("SAMPLING_STATE_DIR", dataDir.resolve("sampling-state").toString());
        env.put("ACCURACY_STATE_DIR", dataDir.resolve("accuracy-state").toString());
        env.put("CURATION_STATE_DIR", dataDir.resolve("curation-state").toString());
        List<StageProcess> started = new ArrayList<>();
        LoopStages stages = new LoopStages(started);
        try {
            for (Stage stage : Stage.ALL) {
                Stage onFreePorts = stage.onPort(freeHttpPort());
                started.add(
                        StageProcess.start(onFreePorts, onFreePorts.jar(Repo.path("")), dataDir.resolve("logs"), env));
            }
            for (StageProcess stage : started) {
                stage.awaitHealthy(START_TIMEOUT);
            }
            return stages;
        } catch (IOException | InterruptedException | RuntimeException e) {
            stages.close();
            throw e;
        }
    }

    List<StageProcess> processes() {
        return processes;
    }

    Stage stage(String module) {
        return processes.stream()
                .map(StageProcess::stage)
                .filter(s -> s.module().equals(module))
                .findFirst()
                .orElseThrow();
    }

    @Override
    public void close() throws InterruptedException {
        for (StageProcess p : processes.reversed()) {
            p.close();
        }
    }

    /** A free port whose management twin (+1000) is free too. */
    private static int freeHttpPort() throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int port = IngestClient.freePort();
            if (port + Stage.MANAGEMENT_PORT_OFFSET < 65536 && isFree(port + Stage.MANAGEMENT_PORT_OFFSET)) {
                return port;
            }
        }
        throw new IOException("no free pair of ports (p, p + 1000)");
    }

    private static boolean isFree(int port) {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
