package io.gourmetgram.loop.sampling.bench;

import io.gourmetgram.loop.events.Prediction;
import io.gourmetgram.loop.events.ReviewReason;
import io.gourmetgram.loop.events.testing.TestEvents;
import io.gourmetgram.loop.events.topics.Topics;
import io.gourmetgram.loop.sampling.budget.AnnotatorBudget;
import io.gourmetgram.loop.sampling.rules.LowConfidenceRule;
import io.gourmetgram.loop.sampling.rules.RandomSampleRule;
import io.gourmetgram.loop.sampling.topology.LabelingRequestTopology;
import io.gourmetgram.loop.sampling.topology.SamplingSettings;
import io.gourmetgram.loop.support.topics.TopicProvisioner;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * Events/s of the labeling-request topology on a real (embedded, single-node KRaft) broker with
 * exactly_once_v2: the predictions topic is filled first, then the app replays it from the start;
 * the clock stops when its committed offsets reach the end. Not a test; command in the README.
 */
public final class SamplingBenchmark {

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
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
            Random random = new Random(7);
            Instant t0 = Instant.now();
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                    Map.of("bootstrap.servers", bootstrap, "linger.ms", 20, "batch.size", 262144),
                    new StringSerializer(),
                    new ByteArraySerializer())) {
                for (int i = 0; i < count; i++) {
                    String id = "upload-" + i;
                    double confidence = 0.3 + 0.7 * random.nextDouble();
                    Prediction p = TestEvents.prediction(id)
                            .confidence(confidence)
                            .scoredAt(t0)
                            .build();
                    producer.send(new ProducerRecord<>(
                            Topics.PREDICTIONS.name(),
                            id,
                            Topics.PREDICTIONS.valueSerde().serialize("p", p)));
                }
            }
            SamplingSettings settings = new SamplingSettings(
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
            Properties props = new Properties();
            props.put(StreamsConfig.APPLICATION_ID_CONFIG, "sampling-bench");
            props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
            props.put(
                    StreamsConfig.STATE_DIR_CONFIG,
                    Files.createTempDirectory("sampling-bench").toString());
            props.put("consumer.auto.offset.reset", "earliest");
            try (KafkaStreams streams = new KafkaStreams(
                            LabelingRequestTopology.build(settings, new SimpleMeterRegistry()), props);
                    Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                long start = System.nanoTime();
                streams.start();
                while (committed(admin) < count) {
                    TimeUnit.MILLISECONDS.sleep(
                            100); // polling interval of the measurement, not synchronisation in a test
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf(
                        "%d predictions in %.1f s = %.0f events/s (exactly_once_v2, 3 partitions, 1 stream thread)%n",
                        count, seconds, count / seconds);
            }
        } finally {
            broker.destroy();
        }
    }

    private static long committed(Admin admin) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets("sampling-bench")
                .partitionsToOffsetAndMetadata()
                .get();
        return offsets.entrySet().stream()
                .filter(e -> e.getKey().topic().equals(Topics.PREDICTIONS.name()))
                .mapToLong(e -> e.getValue().offset())
                .sum();
    }
}
