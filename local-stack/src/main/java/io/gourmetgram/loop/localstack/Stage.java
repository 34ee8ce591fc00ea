package io.gourmetgram.loop.localstack;

import java.nio.file.Path;

/**
 * One service of the loop as the local stack starts it: its module, HTTP port, management (actuator)
 * port and runnable jar. By convention the management port is the HTTP port + 1000 (ingest-api 8080 → 9080).
 */
public record Stage(String module, int port, int managementPort) {

    /** Management port offset from the HTTP port. */
    public static final int MANAGEMENT_PORT_OFFSET = 1000;

    public Stage(String module, int port) {
        this(module, port, port + MANAGEMENT_PORT_OFFSET);
    }

    /** Every stage, in start order (producers of a topic before its consumers do not matter; Kafka holds the data). */
    public static final java.util.List<Stage> ALL = java.util.List.of(
            new Stage("ingest-api", 8080),
            new Stage("inference-processor", 8081),
            new Stage("sampling-streams", 8082),
            new Stage("labeling-sink", 8083),
            new Stage("accuracy-streams", 8084));

    public Path jar(Path repoRoot) {
        return repoRoot.resolve(module).resolve("target").resolve(module + "-exec.jar");
    }

    public Stage onPort(int newPort) {
        return new Stage(module, newPort, newPort + MANAGEMENT_PORT_OFFSET);
    }
}
