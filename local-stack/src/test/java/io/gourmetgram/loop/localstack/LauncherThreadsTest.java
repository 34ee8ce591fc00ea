package io.gourmetgram.loop.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * LoopBenchmark's split of the launcher's CPU: what the stack costs (broker, S3 server) must not include what only
 * the benchmark runs (its load generator, the Label Studio fake), thread names as this JVM shows them.
 */
class LauncherThreadsTest {

    private final LauncherThreads threads = new LauncherThreads();

    @Test
    void theBrokersAndTheS3ServersThreadsAreTheStack() {
        assertParts(
                LauncherThreads.BROKER,
                "data-plane-kafka-request-handler-0",
                "data-plane-kafka-network-thread-1-PLAINTEXT-PLAINTEXT-0",
                "TxnMarkerSenderThread-1");
        assertParts(LauncherThreads.S3, "S3Proxy-Jetty-93");
    }

    @Test
    void theBenchmarksOwnThreadsAndClientsAreTheLoadGeneratorNotTheStack() {
        assertParts(
                LauncherThreads.LOAD,
                "bench-upload-3",
                "bench-listener",
                "kafka-coordinator-heartbeat-thread | bench-1",
                "kafka-producer-network-thread | producer-1");
    }

    @Test
    void theLabelStudioFakesThreadsAreItsOwn() {
        assertParts(LauncherThreads.FAKE, "HTTP-Dispatcher", "pool-4-thread-2", "HttpClient-2-Worker-0");
    }

    private void assertParts(String part, String... threadNames) {
        for (String name : threadNames) {
            assertThat(threads.part(name)).as(name).isEqualTo(part);
        }
    }

    @Test
    void cpuBetweenSnapshotsIsAddedUpPerPartAndNewThreadsCountWhole() {
        Map<String, LauncherThreads.Cpu> before = Map.of(
                "java-1", new LauncherThreads.Cpu(LauncherThreads.BROKER, 5_000_000),
                "task-9", new LauncherThreads.Cpu(LauncherThreads.JIT, 70_000_000));
        Map<String, LauncherThreads.Cpu> after = Map.of(
                "java-1", new LauncherThreads.Cpu(LauncherThreads.BROKER, 25_000_000),
                "java-2", new LauncherThreads.Cpu(LauncherThreads.BROKER, 3_000_000),
                "task-9", new LauncherThreads.Cpu(LauncherThreads.JIT, 90_000_000));

        Map<String, Long> millis = LauncherThreads.millisBetween(before, after);

        assertThat(millis)
                .containsEntry(LauncherThreads.BROKER, 23L)
                .containsEntry(LauncherThreads.JIT, 20L)
                .containsEntry(LauncherThreads.S3, 0L);
    }
}
