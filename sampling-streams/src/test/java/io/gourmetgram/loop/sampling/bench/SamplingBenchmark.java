package io.gourmetgram.loop.sampling.bench;

import io.gourmetgram.loop.events.Prediction;
import io.gourmetgram.loop.events.ReviewReason;
import io.gourmetgram.loop.events.testing.TestEvents;
import io.gourmetgram.loop.events.topics.Topics;
import io.gourmetgram.loop.sampling.app.SamplingStreams;
import io.gourmetgram.loop.sampling.budget.AnnotatorBudget;
import io.gourmetgram.loop.sampling.rules.LowConfidenceRule;
import io.gourmetgram.loop.sampling.rules.RandomSampleRule;
import io.gourmetgram.loop.sampling.topology.LabelingRequestTopology;
import io.gourmetgram.loop.sampling.topology.SamplingSettings;
import io.gourmetgram.loop.support.streams.StreamsStage;
import io.gourmetgram.loop.support.streams.UploadKeyCheck;
import io.gourmetgram.loop.support.topics.TopicProvisioner;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * Events/s of the labeling-request topology on a real (embedded, single-node KRaft) broker, run
 * exactly as the stage runs it ({@link StreamsStage#start}: exactly_once_v2, the shared Streams
 * settings, the stage's own tuning, the dead-letter policy): {@code predictions} is filled first,
 * then the app replays it from the start; the clock stops when its committed offsets reach the end.
 *
 * <p>The broker shares this JVM and the machine's cores with the app, so besides wall-clock events/s
 * it prints the CPU time of the app's own threads per event, which barely depends on other work on
 * the machine. Arguments: events (default 300,000), stream threads (default 1). Any system property
 * {@code -Dstreams.<setting>=value} overrides a Streams setting (e.g. {@code -Dstreams.commit.interval.ms=1000}).
 * Not a test; command in the README.
 */
public final class SamplingBenchmark {

    private static final String APP = "sampling-bench";

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 300_000;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        EmbeddedKafkaBroker broker = new EmbeddedKafkaKraftBroker(1, 3)
                .brokerProperties(
                        Map.of("transaction.state.log.replication.factor", "1", "transaction.state.log.min.isr", "1"));
        broker.afterPropertiesSet();
        try {
            String bootstrap = broker.getBrokersAsString();
            TopicProvisioner.ensure(
                    bootstrap,
                    List.of(
                            Topics.PREDICTIONS,
                            Topics.FEEDBACK,
                            Topics.LABELING_REQUESTS,
                            Topics.SAMPLING_DEAD_LETTER));
            fill(bootstrap, count);
            Properties tuning = SamplingStreams.tuning();
            tuning.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
            for (String topic : List.of(Topics.PREDICTIONS.name(), Topics.FEEDBACK.name())) {
                tuning.put(UploadKeyCheck.PARTITIONS + topic, 3); // as StreamsStageLifecycle reads them
            }
            System.getProperties().stringPropertyNames().stream()
                    .filter(name -> name.startsWith("streams."))
                    .forEach(name -> tuning.put(name.substring("streams.".length()), System.getProperty(name)));
            Path stateDir = Files.createTempDirectory("sampling-bench");
            ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
            com.sun.management.OperatingSystemMXBean os =
                    (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            String loadBefore = loadAverage();
            long processCpuBefore = os.getProcessCpuTime();
            long start = System.nanoTime();
            double seconds;
            long[] appCpuNanos;
            try (StreamsStage stage = StreamsStage.start(
                            LabelingRequestTopology.build(settings(), new SimpleMeterRegistry()),
                            APP,
                            Map.of(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                            stateDir.toString(),
                            Topics.SAMPLING_DEAD_LETTER,
                            tuning,
                            Duration.ofMinutes(2));
                    Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                while (committed(admin) < count) {
                    TimeUnit.MILLISECONDS.sleep(
                            20); // polling interval of the measurement, not synchronisation in a test
                }
                seconds = (System.nanoTime() - start) / 1e9;
                appCpuNanos = appThreadsCpu(cpu);
            }
            long processCpu = os.getProcessCpuTime() - processCpuBefore;
            long requests = countRecords(bootstrap, Topics.LABELING_REQUESTS.name());
            System.out.printf(
                    "%d predictions in %.1f s = %.0f events/s (exactly_once_v2, 3 partitions, %d stream thread(s), "
                            + "commit.interval.ms=%s); %d labeling requests%n",
                    count,
                    seconds,
                    count / seconds,
                    threads,
                    tuning.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG),
                    requests);
            long app = appCpuNanos[0] + appCpuNanos[1];
            System.out.printf(
                    "CPU: the app's threads %.1f µs/event (= %.0f events/s per core; stream threads %.1f, their clients' "
                            + "I/O threads %.1f); whole JVM with the broker %.1f µs/event%n",
                    app / 1e3 / count,
                    count / (app / 1e9),
                    appCpuNanos[0] / 1e3 / count,
                    appCpuNanos[1] / 1e3 / count,
                    processCpu / 1e3 / count);
            System.out.printf("load average before: %s, after: %s%n", loadBefore, loadAverage());
        } finally {
            broker.destroy();
        }
    }

    private static void fill(String bootstrap, int count) {
        Random random = new Random(7);
        Instant t0 = Instant.parse("2026-11-30T12:00:00Z");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", bootstrap, "linger.ms", 20, "batch.size", 262144),
                new StringSerializer(),
                new ByteArraySerializer())) {
            for (int i = 0; i < count; i++) {
                String id = "upload-" + i;
                double confidence = 0.3 + 0.7 * random.nextDouble();
                Prediction p = TestEvents.prediction(id)
                        .confidence(confidence)
                        .scoredAt(t0.plusMillis(i))
                        .build();
                producer.send(new ProducerRecord<>(
                        Topics.PREDICTIONS.name(),
                        null,
                        t0.plusMillis(i).toEpochMilli(),
                        id,
                        Topics.PREDICTIONS.valueSerde().serialize("p", p)));
            }
        }
    }

    /** Caps high enough that the budget never binds: every selected upload is decided the same way. */
    private static SamplingSettings settings() {
        return new SamplingSettings(
                new RandomSampleRule(0.05),
                new LowConfidenceRule(0.7, 0),
                new AnnotatorBudget(Map.of(
                        ReviewReason.RANDOM,
                        1_000_000,
                        ReviewReason.LOW_CONFIDENCE,
                        1_000_000,
                        ReviewReason.FLAGGED,
                        1_000_000,
                        ReviewReason.CORRECTED,
                        1_000_000)),
                Duration.ofHours(1),
                Duration.ofMinutes(1),
                10);
    }

    /**
     * CPU of the app's threads (everything named after it): [0] the stream threads, which process
     * every record, [1] the rest (their producers' network threads, the consumers' background threads).
     */
    private static long[] appThreadsCpu(ThreadMXBean cpu) {
        long[] total = new long[2];
        for (var info : cpu.getThreadInfo(cpu.getAllThreadIds())) {
            if (info != null && info.getThreadName().contains(APP)) {
                boolean streamThread = info.getThreadName().matches(".*StreamThread-\\d+$");
                total[streamThread ? 0 : 1] += Math.max(0, cpu.getThreadCpuTime(info.getThreadId()));
            }
        }
        return total;
    }

    private static long committed(Admin admin) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(APP)
                .partitionsToOffsetAndMetadata()
                .get();
        return offsets.entrySet().stream()
                .filter(e -> e.getKey().topic().equals(Topics.PREDICTIONS.name()))
                .mapToLong(e -> e.getValue().offset())
                .sum();
    }

    /** Committed records on a topic (transaction markers and aborted records not counted). */
    private static long countRecords(String bootstrap, String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrap,
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        "read_committed"),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long records = 0;
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                records += consumer.poll(Duration.ofMillis(200)).count();
            }
            return records;
        }
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (Exception e) {
            return "unknown";
        }
    }
}
