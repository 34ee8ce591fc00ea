package io.gourmetgram.loop.labeling.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gourmetgram.loop.events.Food11;
import io.gourmetgram.loop.events.LabelingRequest;
import io.gourmetgram.loop.events.ObjectRef;
import io.gourmetgram.loop.events.Prediction;
import io.gourmetgram.loop.events.RequestState;
import io.gourmetgram.loop.events.ReviewReason;
import io.gourmetgram.loop.events.testing.S3TestServer;
import io.gourmetgram.loop.events.testing.TestEvents;
import io.gourmetgram.loop.events.topics.Topics;
import io.gourmetgram.loop.labeling.fake.FakeLabelStudio;
import io.gourmetgram.loop.support.bench.PackagedStageCommand;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import tools.jackson.databind.node.ObjectNode;

/**
 * CPU ms per task, tasks/s and heap of labeling-sink. Not a test: skipped unless
 * {@code -Dgourmetgram.bench.labeling=N} (command in the README, "Throughput").
 *
 * <p>The sink runs as its own JVM from the packaged {@code target/labeling-sink-exec.jar} (with the local stack's
 * JVM options unless {@code -Dgourmetgram.bench.labeling.jvm} says otherwise), so its CPU time is its own; the
 * embedded KRaft broker, S3Proxy, the Label Studio fake and an annotator share this JVM. Ten rounds of N labeling
 * requests (one upload each): a round ends when every one of its tasks has been imported, annotated by the
 * annotator (a choice saved {@code .think} ms after the task appeared, delivered by the fake's webhook) and that
 * annotation published on {@code annotations}. Round 1 warms the JVM up; CPU ms per task and tasks/s are over
 * rounds 2–10. Heap after a full GC ({@code jcmd GC.run}) is taken after N, 5·N and 10·N tasks: flat means the
 * sink's memory does not grow with its history. Builds given as
 * {@code -Dgourmetgram.bench.labeling.baseline=<jar,…>} run first, each against a fresh broker and fake.
 */
@EnabledIfSystemProperty(named = "gourmetgram.bench.labeling", matches = "\\d+")
class LabelingThroughputIT {

    private static final int N = Integer.getInteger("gourmetgram.bench.labeling", 0);
    private static final int ROUNDS = Integer.getInteger("gourmetgram.bench.labeling.rounds", 10);
    private static final long THINK_MS = Long.getLong("gourmetgram.bench.labeling.think", 500);
    private static final String BASELINE = System.getProperty("gourmetgram.bench.labeling.baseline");
    private static final String JVM = System.getProperty(
            "gourmetgram.bench.labeling.jvm",
            "-XX:+UseSerialGC -Xms16m -XX:MaxHeapFreeRatio=30 -XX:MinHeapFreeRatio=10 -Xss512k"
                    + " -XX:ReservedCodeCacheSize=64m -XX:MaxMetaspaceSize=192m -Xmx160m");
    /** Extra environment for the sink, {@code K=V,K=V}. */
    private static final String ENV = System.getProperty("gourmetgram.bench.labeling.env", "");

    private static final HttpClient http = HttpClient.newHttpClient();

    @Test
    void cpuPerTaskTasksPerSecondAndHeap() throws Exception {
        Path out = Files.createDirectories(Path.of("target", "bench"));
        Map<String, Path> jars = new LinkedHashMap<>();
        if (BASELINE != null) {
            for (String jar : BASELINE.split(",")) {
                jars.put(Path.of(jar).toAbsolutePath().toString(), Path.of(jar));
            }
        }
        jars.put("this build", Path.of("target", "labeling-sink-exec.jar"));
        StringBuilder md = new StringBuilder(String.format(
                "labeling-sink alone (packaged jar, own JVM `%s`), %d rounds of %d labeling requests, annotated %d ms"
                        + " after each task appears; load average before: %s%n%n"
                        + "| build | tasks/s (rounds 2–%d) | CPU ms per task (rounds 2–%d) | CPU ms per task (round 1)"
                        + " | heap after GC at %d / %d / %d tasks | RSS at the end |%n| --- | --- | --- | --- | --- | --- |%n",
                JVM, ROUNDS, N, THINK_MS, loadAverage(), ROUNDS, ROUNDS, N, N * (ROUNDS / 2), N * ROUNDS));
        for (Map.Entry<String, Path> jar : jars.entrySet()) {
            Result r = run(jar.getKey(), jar.getValue(), out);
            String row = String.format(
                    "| %s | **%.0f** | **%.2f** | %.2f | %.1f MB / %.1f MB / %.1f MB | %d MB |%n",
                    jar.getKey(),
                    r.tasksPerSecond,
                    r.cpuPerTask,
                    r.coldCpuPerTask,
                    r.heapAtN / 1e6,
                    r.heapHalfway / 1e6,
                    r.heapAtTenN / 1e6,
                    r.rssMb);
            System.out.print(row);
            md.append(row);
        }
        md.append(String.format("%n_Load average at the end: %s._%n", loadAverage()));
        Files.writeString(out.resolve("labeling-throughput.md"), md);
        System.out.println(md);
    }

    private record Result(
            double tasksPerSecond,
            double cpuPerTask,
            double coldCpuPerTask,
            long heapAtN,
            long heapHalfway,
            long heapAtTenN,
            long rssMb) {}

    private Result run(String name, Path jar, Path out) throws Exception {
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: run the benchmark through `verify`, which packages it");
        }
        EmbeddedKafkaBroker broker = new EmbeddedKafkaKraftBroker(1, 1);
        broker.afterPropertiesSet();
        try (S3TestServer s3 = S3TestServer.start();
                FakeLabelStudio labelStudio = FakeLabelStudio.start();
                AnnotationCount annotations = new AnnotationCount(broker.getBrokersAsString());
                QuickAnnotator annotator = new QuickAnnotator(labelStudio);
                KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                        Map.of(
                                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                broker.getBrokersAsString(),
                                ProducerConfig.LINGER_MS_CONFIG,
                                5),
                        new StringSerializer(),
                        new ByteArraySerializer());
                Sink sink = Sink.start(name, jar, broker.getBrokersAsString(), s3, labelStudio, out)) {
            double[] cpu = new double[ROUNDS];
            long measuredNanos = 0;
            long heapAtN = 0;
            long heapHalfway = 0;
            for (int round = 0; round < ROUNDS; round++) {
                long cpu0 = sink.cpuMillis();
                long t0 = System.nanoTime();
                for (int i = 0; i < N; i++) {
                    LabelingRequest request = request(UUID.randomUUID().toString());
                    producer.send(new ProducerRecord<>(
                            Topics.LABELING_REQUESTS.name(),
                            request.uploadId(),
                            Topics.LABELING_REQUESTS.valueSerde().serialize("t", request)));
                }
                producer.flush();
                long expected = (long) N * (round + 1);
                await().atMost(Duration.ofMinutes(10))
                        .pollInterval(Duration.ofMillis(50))
                        .until(() -> annotations.count() >= expected);
                long nanos = System.nanoTime() - t0;
                cpu[round] = (double) (sink.cpuMillis() - cpu0) / N;
                if (round > 0) {
                    measuredNanos += nanos;
                }
                System.out.printf(
                        "%s round %d: %.1f s, %.2f CPU ms per task, %d tasks in Label Studio%n",
                        name,
                        round + 1,
                        nanos / 1e9,
                        cpu[round],
                        labelStudio.tasks().size());
                if (round == 0) {
                    heapAtN = sink.heapAfterGc();
                }
                if (round == ROUNDS / 2 - 1) {
                    heapHalfway = sink.heapAfterGc();
                }
            }
            long heapAtTenN = sink.heapAfterGc();
            assertThat(labelStudio.tasks()).as("one task per upload").hasSize(N * ROUNDS);
            double warm = 0;
            for (int round = 1; round < ROUNDS; round++) {
                warm += cpu[round];
            }
            return new Result(
                    (double) N * (ROUNDS - 1) / (measuredNanos / 1e9),
                    warm / (ROUNDS - 1),
                    cpu[0],
                    heapAtN,
                    heapHalfway,
                    heapAtTenN,
                    sink.rssMb());
        } finally {
            broker.destroy();
        }
    }

    private static LabelingRequest request(String upload) {
        Prediction prediction = TestEvents.prediction(upload)
                .object(new ObjectRef("production", upload + ".jpg"))
                .confidence(0.42)
                .scoredAt(Instant.now())
                .build();
        return TestEvents.labelingRequest(upload)
                .revision(1)
                .state(RequestState.OPEN)
                .reasons(ReviewReason.LOW_CONFIDENCE)
                .prediction(prediction)
                .at(Instant.now())
                .build();
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** Counts records on {@code annotations} as they are committed. */
    private static final class AnnotationCount implements AutoCloseable {
        private final AtomicLong count = new AtomicLong();
        private final Thread thread;
        private volatile boolean running = true;

        AnnotationCount(String bootstrap) {
            thread = Thread.ofPlatform().name("bench-annotations").start(() -> {
                try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                        Map.of(
                                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                bootstrap,
                                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                                "read_committed"),
                        new ByteArrayDeserializer(),
                        new ByteArrayDeserializer())) {
                    // The sink creates the topic at start; until then there is nothing to count.
                    List<TopicPartition> partitions = List.of();
                    while (running && partitions.isEmpty()) {
                        partitions = consumer.partitionsFor(Topics.ANNOTATIONS.name(), Duration.ofSeconds(5)).stream()
                                .map(p -> new TopicPartition(p.topic(), p.partition()))
                                .toList();
                    }
                    consumer.assign(partitions);
                    consumer.seekToBeginning(partitions);
                    while (running) {
                        count.addAndGet(consumer.poll(Duration.ofMillis(100)).count());
                    }
                }
            });
        }

        long count() {
            return count.get();
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join(10_000);
        }
    }

    /** Saves a choice on every task {@link #THINK_MS} after it first appears, which delivers the fake's webhook. */
    private static final class QuickAnnotator implements AutoCloseable {
        private final FakeLabelStudio labelStudio;
        private final Map<Long, Long> seen = new HashMap<>();
        private final Set<Long> done = ConcurrentHashMap.newKeySet();
        private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor();
        private int next;

        QuickAnnotator(FakeLabelStudio labelStudio) {
            this.labelStudio = labelStudio;
            worker.scheduleWithFixedDelay(this::annotate, 20, 20, TimeUnit.MILLISECONDS);
        }

        private void annotate() {
            try {
                long now = System.nanoTime();
                for (ObjectNode task : labelStudio.tasks()) {
                    long id = task.path("id").asLong();
                    if (done.contains(id)) {
                        continue;
                    }
                    long first = seen.computeIfAbsent(id, i -> now);
                    if (now - first >= TimeUnit.MILLISECONDS.toNanos(THINK_MS)) {
                        done.add(id);
                        seen.remove(id);
                        labelStudio.annotate(id, Food11.LABELS.get(next++ % Food11.LABELS.size()));
                    }
                }
            } catch (RuntimeException e) {
                System.err.println("Annotator: " + e); // the round then waits for its annotations and shows it
            }
        }

        @Override
        public void close() {
            worker.shutdownNow();
        }
    }

    /** The sink as a child JVM started from a packaged jar, its output in {@code target/bench/labeling-sink-*.log}. */
    private record Sink(Process process, int port, int managementPort) implements AutoCloseable {

        static Sink start(
                String name, Path jar, String bootstrap, S3TestServer s3, FakeLabelStudio labelStudio, Path out)
                throws IOException {
            int port = freePort();
            int managementPort = freePort();
            ProcessBuilder builder = new ProcessBuilder(
                            PackagedStageCommand.of(jar, List.of(JVM.trim().split("\\s+"))))
                    .redirectErrorStream(true)
                    .redirectOutput(out.resolve("labeling-sink-" + name.replaceAll("[^A-Za-z0-9.-]", "_") + ".log")
                            .toFile());
            Map<String, String> env = builder.environment();
            env.put("SERVER_PORT", Integer.toString(port));
            env.put("MANAGEMENT_SERVER_PORT", Integer.toString(managementPort));
            env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
            env.put("S3_ENDPOINT", s3.endpoint());
            env.put("S3_ACCESS_KEY", S3TestServer.ACCESS_KEY);
            env.put("S3_SECRET_KEY", S3TestServer.SECRET_KEY);
            env.put("LABEL_STUDIO_URL", labelStudio.url());
            env.put("LABEL_STUDIO_API_KEY", FakeLabelStudio.PERSONAL_ACCESS_TOKEN);
            env.put("LABEL_STUDIO_WEBHOOK_SECRET", "bench-webhook-secret");
            env.put("LABELING_IMAGE_LINK_SECRET", "bench-image-link-secret");
            env.put("LABELING_PUBLIC_URL", "http://127.0.0.1:" + port);
            env.put(
                    "LABELING_STATE_DIR",
                    out.resolve("labeling-state-" + UUID.randomUUID())
                            .toAbsolutePath()
                            .toString());
            for (String kv : ENV.split(",")) {
                if (kv.contains("=")) {
                    env.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
                }
            }
            Sink sink = new Sink(builder.start(), port, managementPort);
            await().atMost(Duration.ofMinutes(3))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() ->
                            !sink.process.isAlive() || !labelStudio.webhooks().isEmpty());
            if (!sink.process.isAlive()) {
                throw new IllegalStateException("labeling-sink (" + name + ") exited; see its log in target/bench");
            }
            return sink;
        }

        long cpuMillis() {
            return process.info().totalCpuDuration().orElseThrow().toMillis();
        }

        /** Heap in use right after a full collection: what the sink keeps. */
        long heapAfterGc() throws Exception {
            Process gc = new ProcessBuilder(
                            Path.of(PackagedStageCommand.jdkTool("jcmd")).toString(),
                            Long.toString(process.pid()),
                            "GC.run")
                    .redirectErrorStream(true)
                    .start();
            gc.getInputStream().readAllBytes();
            gc.waitFor(1, TimeUnit.MINUTES);
            String metrics = http.send(
                            HttpRequest.newBuilder(
                                            URI.create("http://127.0.0.1:" + managementPort + "/actuator/prometheus"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
                    .body();
            double used = 0;
            for (String line : metrics.split("\n")) {
                if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
                    used += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
            return (long) used;
        }

        long rssMb() throws IOException {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
                }
            }
            return -1;
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(1, TimeUnit.MINUTES)) {
                process.destroyForcibly();
            }
        }

        private static int freePort() throws IOException {
            try (ServerSocket socket = new ServerSocket(0)) {
                return socket.getLocalPort();
            }
        }
    }
}
