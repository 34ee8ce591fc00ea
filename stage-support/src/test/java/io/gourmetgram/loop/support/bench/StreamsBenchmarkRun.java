package io.gourmetgram.loop.support.bench;

import io.gourmetgram.loop.events.DeadLetter;
import io.gourmetgram.loop.events.topics.TopicSpec;
import io.gourmetgram.loop.support.streams.StreamsStage;
import io.gourmetgram.loop.support.topics.TopicProvisioner;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
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

    /**
     * What one replay took; CPU figures are nanoseconds. {@code brokerCpuNanos} is every other Java thread
     * of this JVM but the run's own (main, its admin client); {@code jvmInternalCpuNanos} is what the
     * process used beyond all its Java threads: the JIT compilers and the garbage collector.
     * {@code seconds} runs from the app's start until it has committed every input record, of which
     * {@code startSeconds} went before it was running (joining the group, creating internal topics);
     * {@code drainSeconds} is how much longer it took to also consume its own repartition topics
     * (records the last inputs led to), included in the CPU figures.
     */
    public record Measurement(
            long records,
            double seconds,
            long streamThreadsCpuNanos,
            long otherAppThreadsCpuNanos,
            long jvmCpuNanos,
            long brokerCpuNanos,
            long jvmInternalCpuNanos,
            double startSeconds,
            double drainSeconds) {

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

        /** One line splitting the whole JVM's CPU per event into app, broker and JIT + GC. */
        public String cpuSplit() {
            return String.format(
                    "whole JVM %.1f µs/event = app threads %.1f + broker threads %.1f + JIT compilers and GC %.1f"
                            + " + the run's own threads %.1f",
                    jvmCpuNanos / 1e3 / records,
                    appCpuMicrosPerEvent(),
                    brokerCpuNanos / 1e3 / records,
                    jvmInternalCpuNanos / 1e3 / records,
                    (jvmCpuNanos - appCpuNanos() - brokerCpuNanos - jvmInternalCpuNanos) / 1e3 / records);
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
     * Runs {@code topology} under another application id from the start of {@code inputs} until it has
     * committed {@code records} input records, then closes it: the JIT compiles the app's, the clients'
     * and the broker's paths before {@link #replay} measures, so the figures are the steady state of a
     * stage that has been running for a while, not its first seconds. Its output stays in the output
     * topics (count them before the replay).
     */
    public void warmUp(
            Topology topology,
            TopicSpec<DeadLetter> deadLetters,
            Properties tuning,
            Collection<? extends TopicSpec<?>> inputs,
            long records)
            throws Exception {
        if (records <= 0) {
            return;
        }
        System.out.printf("Warming up on %d records…%n", records);
        try (StreamsStage stage = start(topology, "warmup-" + app, deadLetters, tuning);
                Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap()))) {
            while (committed(admin, "warmup-" + app, names(inputs)) < records) {
                TimeUnit.MILLISECONDS.sleep(POLL.toMillis()); // the run's polling, not test synchronisation
            }
        }
    }

    /**
     * Runs {@code topology} from the start of {@code inputs} until the app has committed {@code records}
     * input records and consumed its own repartition topics to their end, then closes it. CPU is measured
     * from its start until then (closing is not per-event work).
     */
    public Measurement replay(
            Topology topology,
            TopicSpec<DeadLetter> deadLetters,
            Properties tuning,
            Collection<? extends TopicSpec<?>> inputs,
            long records)
            throws Exception {
        Set<String> inputNames = names(inputs);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        // The inputs were produced before this point: neither the load generation nor its JIT is measured.
        System.out.printf(
                "Replaying %d records (pid %d): CPU measured from here%n",
                records, ProcessHandle.current().pid());
        System.out.flush();
        Map<Long, long[]> before = threadsCpu(threads);
        long jvmBefore = os.getProcessCpuTime();
        long start = System.nanoTime();
        Map<Long, long[]> last = before;
        double seconds;
        double drain;
        long running = 0;
        long jvm;
        try (StreamsStage stage = start(topology, app, deadLetters, tuning);
                Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap()))) {
            while (committed(admin, app, inputNames) < records) {
                if (running == 0 && stage.streams().state() == KafkaStreams.State.RUNNING) {
                    running = System.nanoTime();
                }
                last = merge(last, threadsCpu(threads)); // a thread that ends takes its CPU time along
                TimeUnit.MILLISECONDS.sleep(POLL.toMillis()); // the measurement's polling, not test synchronisation
            }
            long inputsDone = System.nanoTime();
            seconds = (inputsDone - start) / 1e9;
            while (!drained(admin, app, inputNames)) {
                last = merge(last, threadsCpu(threads));
                TimeUnit.MILLISECONDS.sleep(POLL.toMillis());
            }
            drain = (System.nanoTime() - inputsDone) / 1e9;
            jvm = os.getProcessCpuTime() - jvmBefore;
            last = merge(last, threadsCpu(threads));
        }
        long[] byPart = new long[4];
        for (Map.Entry<Long, long[]> e : last.entrySet()) {
            long[] then = before.get(e.getKey());
            byPart[(int) e.getValue()[0]] += e.getValue()[1] - (then == null ? 0 : then[1]);
        }
        long javaThreads = byPart[STREAM] + byPart[APP_OTHER] + byPart[BROKER] + byPart[RUN];
        return new Measurement(
                records,
                seconds,
                byPart[STREAM],
                byPart[APP_OTHER],
                jvm,
                byPart[BROKER],
                Math.max(0, jvm - javaThreads),
                running == 0 ? 0 : (running - start) / 1e9,
                drain);
    }

    private StreamsStage start(
            Topology topology, String applicationId, TopicSpec<DeadLetter> deadLetters, Properties tuning)
            throws Exception {
        return StreamsStage.start(
                topology,
                applicationId,
                Map.of(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()),
                Files.createTempDirectory(applicationId).toString(),
                deadLetters,
                tuning,
                Duration.ofMinutes(2));
    }

    private static Set<String> names(Collection<? extends TopicSpec<?>> topics) {
        return Set.copyOf(topics.stream().map(TopicSpec::name).toList());
    }

    /** Committed records on a topic (transaction markers and aborted records not counted). */
    public long countRecords(String topic) {
        long[] count = {0};
        forEachRecord(topic, (key, value) -> count[0]++);
        return count[0];
    }

    /** Every committed record of {@code topic}, read in its topic's JSON form, in order within each partition. */
    public <V> void forEachRecord(TopicSpec<V> topic, BiConsumer<String, V> action) {
        forEachRecord(
                topic.name(),
                (key, value) -> action.accept(
                        key == null ? null : new String(key, StandardCharsets.UTF_8),
                        value == null ? null : topic.valueSerde().deserialize(topic.name(), value)));
    }

    private void forEachRecord(String topic, BiConsumer<byte[], byte[]> action) {
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
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> action.accept(r.key(), r.value()));
            }
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

    private static long committed(Admin admin, String group, Set<String> inputs) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get();
        return offsets.entrySet().stream()
                .filter(e -> inputs.contains(e.getKey().topic()))
                .mapToLong(e -> e.getValue().offset())
                .sum();
    }

    /**
     * Whether the group has consumed every partition it reads other than the inputs (its repartition topics)
     * to the end: its committed offset at most one behind the last stable offset, the one being the
     * transaction marker its own producer wrote after the last records.
     */
    private static boolean drained(Admin admin, String group, Set<String> inputs) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get();
        Map<TopicPartition, OffsetSpec> internal = new HashMap<>();
        offsets.keySet().stream()
                .filter(p -> !inputs.contains(p.topic()))
                .forEach(p -> internal.put(p, OffsetSpec.latest()));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(
                        internal, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                .all()
                .get();
        return ends.entrySet().stream()
                .allMatch(e -> e.getValue().offset() - offsets.get(e.getKey()).offset() <= 1);
    }

    private static final int STREAM = 0;
    private static final int APP_OTHER = 1;
    private static final int BROKER = 2;
    private static final int RUN = 3;

    /**
     * Thread id → [part, CPU nanoseconds so far]. Parts: the app's stream threads, which process every
     * record; the app's other threads (its clients' I/O); the run's own (main, its admin client); the broker
     * (every other Java thread of this JVM).
     */
    private Map<Long, long[]> threadsCpu(ThreadMXBean threads) {
        Map<Long, long[]> cpu = new HashMap<>();
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            long nanos = threads.getThreadCpuTime(info.getThreadId());
            if (nanos >= 0) {
                cpu.put(info.getThreadId(), new long[] {part(info.getThreadName()), nanos});
            }
        }
        return cpu;
    }

    private int part(String name) {
        if (name.contains(app)) {
            return name.matches(".*StreamThread-\\d+$") ? STREAM : APP_OTHER;
        }
        return name.equals("main") || name.startsWith("kafka-admin-client-thread") ? RUN : BROKER;
    }

    /** The latest figure of every thread seen so far, ended threads included. */
    private static Map<Long, long[]> merge(Map<Long, long[]> seen, Map<Long, long[]> now) {
        Map<Long, long[]> merged = new HashMap<>(seen);
        merged.putAll(now);
        return merged;
    }
}
