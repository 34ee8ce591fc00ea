package io.gourmetgram.loop.localstack;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A stage running as a child JVM ({@code java -jar <module>-exec.jar}), its output in
 * {@code logs/<module>.log}. Children are separate processes so each has its own environment —
 * ONNX Runtime reads {@code ORT_DISABLE_TELEMETRY} from the environment before it loads.
 */
public final class StageProcess implements AutoCloseable {

    private final Stage stage;
    private final Process process;
    private final Path log;
    private final Path jar;
    private final Map<String, String> env;
    private final List<String> jvmOptions;

    private StageProcess(
            Stage stage, Process process, Path log, Path jar, Map<String, String> env, List<String> jvmOptions) {
        this.stage = stage;
        this.process = process;
        this.log = log;
        this.jar = jar;
        this.env = env;
        this.jvmOptions = jvmOptions;
    }

    /** The stage with the local stack's default JVM options for it ({@link StageJvmOptions}). */
    public static StageProcess start(Stage stage, Path jar, Path logDir, Map<String, String> env) throws IOException {
        return start(stage, jar, logDir, env, StageJvmOptions.defaults().of(stage.module()));
    }

    public static StageProcess start(
            Stage stage, Path jar, Path logDir, Map<String, String> env, List<String> jvmOptions) throws IOException {
        Files.createDirectories(logDir);
        Path log = logDir.resolve(stage.module() + ".log");
        List<String> command = new ArrayList<>(List.of(javaExecutable()));
        command.addAll(COMMON_OPTIONS);
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString()));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(environment(stage, env));
        return new StageProcess(stage, builder.start(), log, jar, Map.copyOf(env), List.copyOf(jvmOptions));
    }

    /** Options every stage's JVM gets whatever its {@link StageJvmOptions}. */
    static final List<String> COMMON_OPTIONS = Runtime.version().feature() >= 24
            // Kafka clients still use Unsafe; the flag keeps the logs readable.
            ? List.of("--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow")
            : List.of("--enable-native-access=ALL-UNNAMED");

    /** The stage's environment: the stack's, plus its ports on loopback and ONNX Runtime's telemetry off. */
    static Map<String, String> environment(Stage stage, Map<String, String> env) {
        Map<String, String> all = new java.util.HashMap<>();
        StageJvmOptions.ENVIRONMENT.forEach((name, value) -> {
            if (System.getenv(name) == null) { // the launcher's own environment reaches the child and wins
                all.put(name, value);
            }
        });
        all.putAll(env);
        all.put("SERVER_PORT", Integer.toString(stage.port()));
        // Actuator on its own port (Spring Boot binds MANAGEMENT_SERVER_PORT for every stage); both on loopback only.
        all.put("MANAGEMENT_SERVER_PORT", Integer.toString(stage.managementPort()));
        all.put("SERVER_ADDRESS", "127.0.0.1");
        all.put("MANAGEMENT_SERVER_ADDRESS", "127.0.0.1");
        all.put("ORT_DISABLE_TELEMETRY", "1");
        return all;
    }

    /** The same stage started again, as before (same jar, port, environment, JVM options and log). */
    public StageProcess startAgain() throws IOException {
        return start(stage, jar, log.getParent(), env, jvmOptions);
    }

    /** SIGKILL: no shutdown hook, no commit, no goodbye to the group — a crash, for fault tests. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The child JVM's process (benchmarks read its resident size and start time). */
    public ProcessHandle handle() {
        return process.toHandle();
    }

    public Stage stage() {
        return stage;
    }

    public Path log() {
        return log;
    }

    /** Waits for {@code /actuator/health} to answer UP; fails naming the stage and its log. */
    public void awaitHealthy(Duration timeout) throws InterruptedException {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        URI health = URI.create("http://127.0.0.1:" + stage.managementPort() + "/actuator/health");
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(stage.module() + " exited with code " + process.exitValue()
                        + " during start-up; see " + log.toAbsolutePath());
            }
            try {
                HttpResponse<String> response = http.send(
                        HttpRequest.newBuilder(health)
                                .timeout(Duration.ofSeconds(2))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200 && response.body().contains("\"UP\"")) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            process.waitFor(500, TimeUnit.MILLISECONDS); // poll interval, returns early if the child dies
        }
        throw new IllegalStateException(stage.module() + " was not healthy at " + health + " within " + timeout
                + "; see " + log.toAbsolutePath());
    }

    /** SIGTERM (Spring shuts down gracefully), then SIGKILL if it takes too long. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    private static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
