package io.gourmetgram.loop.localstack;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the local stack's broker ({@link KafkaNode}, its settings for one machine) costs doing nothing: CPU ms per
 * second of this JVM over {@code args[0]} seconds, after 30 s to settle. Not a test; a figure to compare between
 * versions of {@code KafkaNode} (local-stack README, Throughput).
 */
public final class IdleBrokerCpu {

    private IdleBrokerCpu() {}

    public static void main(String[] args) throws Exception {
        long seconds = Long.parseLong(args[0]);
        Path dir = Files.createTempDirectory("idle-broker");
        try (KafkaNode node = KafkaNode.start(dir, Ports.free(), Ports.free())) {
            Thread.sleep(30_000);
            long before = cpuMillis();
            Thread.sleep(seconds * 1000);
            long used = cpuMillis() - before;
            System.out.printf(
                    "idle broker: %d CPU ms over %d s = %.1f CPU ms/s%n", used, seconds, used / (double) seconds);
        }
        System.exit(0); // the broker's non-daemon threads
    }

    private static long cpuMillis() {
        return LoopBenchmark.cpuMillis(ProcessHandle.current().pid());
    }
}
