package io.gourmetgram.loop.accuracy.bench;

import io.gourmetgram.loop.accuracy.app.AccuracyStreams;
import io.gourmetgram.loop.accuracy.topology.AccuracySettings;
import io.gourmetgram.loop.accuracy.topology.AccuracyTopology;
import io.gourmetgram.loop.events.AnnotationAction;
import io.gourmetgram.loop.events.LabelingRequest;
import io.gourmetgram.loop.events.Prediction;
import io.gourmetgram.loop.events.ReasonInclusion;
import io.gourmetgram.loop.events.ReviewReason;
import io.gourmetgram.loop.events.testing.TestEvents;
import io.gourmetgram.loop.events.topics.TopicSpec;
import io.gourmetgram.loop.events.topics.Topics;
import io.gourmetgram.loop.support.streams.StreamsStage;
import io.gourmetgram.loop.support.topics.TopicProvisioner;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * Events/s of the accuracy topology on a real (embedded, single-node KRaft) broker, with the
 * production Streams configuration ({@link StreamsStage#start}: exactly_once_v2, the stage's commit
 * interval, RocksDB state, the dead-letter policy). One day of traffic is written first — N
 * predictions spread over 24 hours, a labeling request for the random 5 % and every prediction
 * below 0.7 confidence, and one annotation per request — then the app replays it from the start;
 * the clock stops when its committed offsets reach the end of every input topic. CPU is the time of
 * the app's own threads (the broker runs in the same JVM). Not a test; command in the README.
 */
public final class AccuracyBenchmark {

    private static final String APP = "accuracy-bench";
    private static final List<TopicSpec<?>> INPUTS =
            List.of(Topics.PREDICTIONS, Topics.LABELING_REQUESTS, Topics.ANNOTATIONS);

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        EmbeddedKafkaBroker broker = new EmbeddedKafkaKraftBroker(1, 3)
                .brokerProperties(
                        Map.of("transaction.state.log.replication.factor", "1", "transaction.state.log.min.isr", "1"));
        broker.afterPropertiesSet();
        try {
            String bootstrap = broker.getBrokersAsString();
            TopicProvisioner.ensure(bootstrap, AccuracyStreams.TOPICS);
            long events = fill(bootstrap, count);
            AccuracySettings settings = new AccuracySettings(
                    Duration.ofHours(1),
                    Duration.ofHours(24),
                    Duration.ofHours(1),
                    Duration.ofDays(7),
                    true,
                    0.6,
                    500,
                    AccuracySettings.DEFAULT_MIN_LABELS);
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            long cpuBefore = appCpuNanos(threads);
            long start = System.nanoTime();
            try (StreamsStage stage = StreamsStage.start(
                            AccuracyTopology.build(settings, Clock.systemUTC()),
                            APP,
                            Map.of("bootstrap.servers", bootstrap),
                            Files.createTempDirectory("accuracy-bench").toString(),
                            Topics.ACCURACY_DEAD_LETTER,
                            AccuracyStreams.tuning(),
                            Duration.ofMinutes(2));
                    Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                long cpu = 0;
                while (committed(admin) < events) {
                    cpu = Math.max(cpu, appCpuNanos(threads) - cpuBefore); // threads end with the app
                    TimeUnit.MILLISECONDS.sleep(100); // polling interval of the measurement, not test synchronisation
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                cpu = Math.max(cpu, appCpuNanos(threads) - cpuBefore);
                System.out.printf(
                        "%d events (%d predictions + requests + annotations) in %.1f s = %.0f events/s, "
                                + "%.1f CPU µs per event in the app's threads (exactly_once_v2, 3 partitions, 1 stream thread)%n",
                        events, count, seconds, events / seconds, cpu / 1e3 / events);
            }
        } finally {
            broker.destroy();
        }
    }

    /** Writes a day of predictions, requests and annotations; returns how many records. */
    private static long fill(String bootstrap, int count) {
        Random random = new Random(7);
        Instant day = Instant.now().minus(Duration.ofDays(1)).truncatedTo(java.time.temporal.ChronoUnit.HOURS);
        long spacing = Duration.ofDays(1).toMillis() / count;
        List<String> labels = List.of("Rice", "Soup", "Egg", "Bread", "Meat", "Seafood");
        long records = 0;
        List<LabelingRequest> requests = new ArrayList<>();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", bootstrap, "linger.ms", 20, "batch.size", 262144),
                new StringSerializer(),
                new ByteArraySerializer())) {
            for (int i = 0; i < count; i++) {
                String id = "upload-" + i;
                // about a tenth below 0.7, as real classifiers give it
                double confidence =
                        random.nextDouble() < 0.1 ? 0.1 + 0.6 * random.nextDouble() : 0.7 + 0.3 * random.nextDouble();
                Prediction p = TestEvents.prediction(id)
                        .label(labels.get(random.nextInt(labels.size())))
                        .confidence(confidence)
                        .scoredAt(day.plusMillis(i * spacing))
                        .build();
                send(producer, Topics.PREDICTIONS, id, p);
                records++;
                boolean sampled = random.nextDouble() < 0.05;
                if (sampled || confidence < 0.7) {
                    List<ReasonInclusion> reasons = new ArrayList<>();
                    if (sampled) {
                        reasons.add(new ReasonInclusion(ReviewReason.RANDOM, 0.05));
                    }
                    if (confidence < 0.7) {
                        reasons.add(new ReasonInclusion(ReviewReason.LOW_CONFIDENCE, 1.0));
                    }
                    requests.add(TestEvents.labelingRequest(id)
                            .prediction(p)
                            .inclusions(reasons.toArray(ReasonInclusion[]::new))
                            .inclusionProbability(confidence < 0.7 ? 1.0 : 0.05)
                            .at(p.scoredAt())
                            .build());
                }
            }
            for (LabelingRequest r : requests) {
                send(producer, Topics.LABELING_REQUESTS, r.uploadId(), r);
            }
            long annotationId = 0;
            for (LabelingRequest r : requests) {
                String truth =
                        random.nextDouble() < 0.7 ? r.prediction().label() : labels.get(random.nextInt(labels.size()));
                send(
                        producer,
                        Topics.ANNOTATIONS,
                        r.uploadId(),
                        TestEvents.annotation(r.uploadId())
                                .annotationId(++annotationId)
                                .label(truth)
                                .action(AnnotationAction.CREATED)
                                .updatedAt(r.prediction().scoredAt().plusSeconds(600))
                                .build());
            }
        }
        return records + 2L * requests.size();
    }

    private static <V> void send(KafkaProducer<String, byte[]> producer, TopicSpec<V> topic, String key, V value) {
        producer.send(new ProducerRecord<>(topic.name(), key, topic.valueSerde().serialize(topic.name(), value)));
    }

    private static long committed(Admin admin) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(APP)
                .partitionsToOffsetAndMetadata()
                .get();
        Set<String> inputs = Set.copyOf(INPUTS.stream().map(TopicSpec::name).toList());
        return offsets.entrySet().stream()
                .filter(e -> inputs.contains(e.getKey().topic()))
                .mapToLong(e -> e.getValue().offset())
                .sum();
    }

    /** CPU time of the Streams app's threads (stream threads and their clients' network threads). */
    private static long appCpuNanos(ThreadMXBean threads) {
        long total = 0;
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && info.getThreadName().contains(APP)) {
                total += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
            }
        }
        return total;
    }
}
