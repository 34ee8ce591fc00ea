package io.gourmetgram.loop.localstack;

import java.nio.file.Path;

/** One service of the loop as the local stack starts it: its module, default port and runnable jar. */
public record Stage(String module, int port) {

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
        return new Stage(module, newPort);
    }
}
