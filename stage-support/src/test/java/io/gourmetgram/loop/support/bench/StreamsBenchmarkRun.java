package io.gourmetgram.loop.support.bench;

import io.gourmetgram.loop.events.DeadLetter;
import io.gourmetgram.loop.events.topics.TopicSpec;
import io.gourmetgram.loop.support.streams.StreamsStage;
import io.gourmetgram.loop.support.topics.TopicProvisioner;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
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
import org.apache.kafka.streams.Topology;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * One benchmark run of a Streams stage (not a test): an embedded single-node KRaft broker in this JVM
 * with {@value #PARTITIONS} partitions per topic, input topics filled first through {@link #producer()},
 * then {@link #replay} runs the topology exactly as the stage runs it ({@link StreamsStage#start}:
 * exactly_once_v2, the shared Streams settings, the stage's tuning, the dead-letter policy) from the
 * start of its inputs until its committed offsets reach their end. The broker shares the JVM and the
 * cores, so besides wall-clock time it measures the CPU time of the app's own threads (every thread
 * named after the application id), which barely depends on other work on the machine.
 */
public final class StreamsBenchmarkRun implements AutoCloseable {

    public static final int PARTITIONS = 3;

    /** How often the run reads the committed offsets: the resolution of the wall-clock figure. */
    private static final Duration POLL = Duration.ofMillis(20);

    private final String app;
    private final EmbeddedKafkaBroker broker;

    /** What one replay took; CPU figures are nanoseconds. */
    public record Measurement(
            long records, double seconds, long streamThreadsCpuNanos, long otherAppThreadsCpuNanos, long jvmCpuNanos) {

        public double eventsPerSecond() {
            return records / seconds;
        }

        /** Stream threads plus their clients' I/O threads. */
        public long appCpuNanos() {
            return streamThreadsCpuNanos + otherAppThreadsCpuNanos;
        }

        public double appCpuMicrosPerEvent() {
            return appCpuNanos() / 1e3 / records;
        }
    }

    private StreamsBenchmarkRun(String app, EmbeddedKafkaBroker broker) {
        this.app = app;
        this.broker = broker;
    }

    /** Starts the broker and creates {@code topics}; {@code app} is the application id of the replay. */
    public static StreamsBenchmarkRun start(String app, Collection<? extends TopicSpec<?>> topics) {
        // a single broker needs these, or exactly_once_v2 waits a minute on InitProducerId
        EmbeddedKafkaBroker broker = new EmbeddedKafkaKraftBroker(1, PARTITIONS)
                .brokerProperties(
                        Map.of("transaction.state.log.replication.factor", "1", "transaction.state.log.min.isr", "1"));
        broker.afterPropertiesSet();
        StreamsBenchmarkRun run = new StreamsBenchmarkRun(app, broker);
        try {
            TopicProvisioner.ensure(run.bootstrap(), List.copyOf(topics));
        } catch (RuntimeException e) {
            run.close();
            throw e;
        }
        return run;
    }

    public String bootstrap() {
        return broker.getBrokersAsString();
    }

    /** A producer batching for throughput, to fill the inputs before the replay; close it before replaying. */
    public KafkaProducer<String, byte[]> producer() {
        return new KafkaProducer<>(
                Map.of("bootstrap.servers", bootstrap(), "linger.ms", 20, "batch.size", 262144),
                new StringSerializer(),
                new ByteArraySerializer());
    }

    /** Sends {@code value} in its topic's JSON form; {@code timestamp} null = the producer's clock. */
    public static <V> void send(
            KafkaProducer<String, byte[]> producer, TopicSpec<V> topic, Long timestamp, String key, V value) {
        producer.send(new ProducerRecord<>(
                topic.name(), null, timestamp, key, topic.valueSerde().serialize(topic.name(), value)));
    }

    /**
     * Runs {@code topology} from the start of {@code inputs} until the app has committed {@code records}
     * input records, then closes it.
     */
    public Measurement replay(
            Topology topology,
            TopicSpec<DeadLetter> deadLetters,
            Properties tuning,
            Collection<? extends TopicSpec<?>> inputs,
            long records)
            throws Exception {
        Set<String> inputNames = Set.copyOf(inputs.stream().map(TopicSpec::name).toList());
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long[] before = appThreadsCpu(threads);
        long jvmBefore = os.getProcessCpuTime();
        long start = System.nanoTime();
        long[] cpu = {0, 0};
        double seconds;
        try (StreamsStage stage = StreamsStage.start(
                        topology,
                        app,
                        Map.of(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()),
                        Files.createTempDirectory(app).toString(),
                        deadLetters,
                        tuning,
                        Duration.ofMinutes(2));
                Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap()))) {
            while (committed(admin, inputNames) < records) {
                keepHighest(cpu, appThreadsCpu(threads), before); // a thread that ends takes its CPU time along
                TimeUnit.MILLISECONDS.sleep(POLL.toMillis()); // the measurement's polling, not test synchronisation
            }
            seconds = (System.nanoTime() - start) / 1e9;
            keepHighest(cpu, appThreadsCpu(threads), before);
        }
        return new Measurement(records, seconds, cpu[0], cpu[1], os.getProcessCpuTime() - jvmBefore);
    }

    /** Committed records on a topic (transaction markers and aborted records not counted). */
    public long countRecords(String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrap(),
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
            long count = 0;
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                count += consumer.poll(Duration.ofMillis(200)).count();
            }
            return count;
        }
    }

    /** The machine's load average, to print beside wall-clock figures on a shared machine. */
    public static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (Exception e) {
            return "unknown";
        }
    }

    @Override
    public void close() {
        broker.destroy();
    }

    private long committed(Admin admin, Set<String> inputs) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(app)
                .partitionsToOffsetAndMetadata()
                .get();
        return offsets.entrySet().stream()
                .filter(e -> inputs.contains(e.getKey().topic()))
                .mapToLong(e -> e.getValue().offset())
                .sum();
    }

    /**
     * CPU of the app's threads: [0] the stream threads, which process every record, [1] the rest
     * (their producers' network threads, the consumers' background threads).
     */
    private long[] appThreadsCpu(ThreadMXBean threads) {
        long[] total = new long[2];
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && info.getThreadName().contains(app)) {
                boolean streamThread = info.getThreadName().matches(".*StreamThread-\\d+$");
                total[streamThread ? 0 : 1] += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
            }
        }
        return total;
    }

    private static void keepHighest(long[] highest, long[] now, long[] before) {
        for (int i = 0; i < highest.length; i++) {
            highest[i] = Math.max(highest[i], now[i] - before[i]);
        }
    }
}
