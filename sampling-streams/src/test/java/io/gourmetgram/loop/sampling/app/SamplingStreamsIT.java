package io.gourmetgram.loop.sampling.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.gourmetgram.loop.events.ClientInfo;
import io.gourmetgram.loop.events.DeadLetter;
import io.gourmetgram.loop.events.LabelingRequest;
import io.gourmetgram.loop.events.Prediction;
import io.gourmetgram.loop.events.ReviewReason;
import io.gourmetgram.loop.events.testing.TestEvents;
import io.gourmetgram.loop.events.topics.KeyPartitioning;
import io.gourmetgram.loop.events.topics.TopicSpec;
import io.gourmetgram.loop.events.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;

/** The application with exactly_once_v2 on a real KRaft broker: predictions and feedback in, requests out. */
@SpringBootTest(
        properties = {
            "server.port=0",
            "gourmetgram.sampling.random-rate=0.0001",
            "gourmetgram.sampling.state-dir=${java.io.tmpdir}/sampling-it-${random.uuid}"
        })
@EmbeddedKafka(
        partitions = 3,
        bootstrapServersProperty = "spring.kafka.bootstrap-servers",
        brokerProperties = {"transaction.state.log.replication.factor=1", "transaction.state.log.min.isr=1"})
class SamplingStreamsIT {

    @Autowired
    private EmbeddedKafkaBroker broker;

    @Autowired
    private SamplingStreams stage;

    @Test
    void predictionsAndFeedbackBecomeOneRequestPerUploadWithEveryReason() throws Exception {
        String unsure = "unsure-" + UUID.randomUUID();
        String corrected = "corrected-" + UUID.randomUUID();
        String confident = "confident-" + UUID.randomUUID();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", broker.getBrokersAsString()),
                new StringSerializer(),
                new ByteArraySerializer())) {
            send(
                    producer,
                    Topics.FEEDBACK,
                    corrected,
                    TestEvents.correction(corrected, "Rice").at(Instant.now()).build()); // before its prediction
            send(producer, Topics.PREDICTIONS, unsure, prediction(unsure, 0.4));
            send(producer, Topics.PREDICTIONS, corrected, prediction(corrected, 0.95));
            send(producer, Topics.PREDICTIONS, confident, prediction(confident, 0.95));
            send(
                    producer,
                    Topics.FEEDBACK,
                    unsure,
                    TestEvents.flag(unsure).at(Instant.now()).client(null).build());
        }

        List<LabelingRequest> requests = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        broker.getBrokersAsString(),
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "it",
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest",
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        "read_committed"),
                new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(Topics.LABELING_REQUESTS.name()));
            Awaitility.await().atMost(Duration.ofSeconds(90)).until(() -> {
                consumer.poll(Duration.ofMillis(300))
                        .forEach(r -> requests.add(
                                Topics.LABELING_REQUESTS.valueSerde().deserialize(r.topic(), r.value())));
                return requests.size() >= 3;
            });
            consumer.poll(Duration.ofSeconds(2))
                    .forEach(r ->
                            requests.add(Topics.LABELING_REQUESTS.valueSerde().deserialize(r.topic(), r.value())));
        }

        assertThat(requests).extracting(LabelingRequest::uploadId).doesNotContain(confident);
        assertThat(requests)
                .filteredOn(r -> r.uploadId().equals(corrected))
                .singleElement()
                .satisfies(r -> assertThat(r.userCorrection()).isEqualTo("Rice"));
        assertThat(requests)
                .filteredOn(r -> r.uploadId().equals(unsure))
                .extracting(LabelingRequest::revision)
                .containsExactly(1, 2);
        LabelingRequest last = requests.stream()
                .filter(r -> r.uploadId().equals(unsure))
                .toList()
                .getLast();
        assertThat(last.hasReason(ReviewReason.LOW_CONFIDENCE)).isTrue();
        assertThat(last.hasReason(ReviewReason.FLAGGED)).isTrue();
    }

    @Test
    void aFloodOfFlagsOnAnUploadThatNeverGetsAPredictionDoesNotStopTheStage() throws Exception {
        String neverScored = "corrupt-" + UUID.randomUUID();
        String fresh = "fresh-" + UUID.randomUUID();
        ClientInfo browser = new ClientInfo(
                "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
                        + "Chrome/131.0.0.0 Safari/537.36",
                "203.0.113.7");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", broker.getBrokersAsString(), "linger.ms", 20),
                new StringSerializer(),
                new ByteArraySerializer())) {
            // More than the changelog's 1 MB record limit if every flag were kept.
            for (int i = 0; i < 4_000; i++) {
                producer.send(new ProducerRecord<>(
                        Topics.FEEDBACK.name(),
                        neverScored,
                        Topics.FEEDBACK
                                .valueSerde()
                                .serialize(
                                        Topics.FEEDBACK.name(),
                                        TestEvents.flag(neverScored)
                                                .at(Instant.now())
                                                .client(browser)
                                                .build())));
            }
            producer.flush();
            send(producer, Topics.PREDICTIONS, fresh, prediction(fresh, 0.95));
            send(
                    producer,
                    Topics.FEEDBACK,
                    fresh,
                    TestEvents.flag(fresh).at(Instant.now()).client(browser).build());
        }

        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        broker.getBrokersAsString(),
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "it-flood",
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest",
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        "read_committed"),
                new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(Topics.LABELING_REQUESTS.name()));
            Awaitility.await().atMost(Duration.ofSeconds(90)).until(() -> {
                assertThat(stage.health().getStatus().getCode()).isEqualTo("UP");
                for (var r : consumer.poll(Duration.ofMillis(300))) {
                    if (r.key().equals(fresh)) {
                        return true;
                    }
                }
                return false;
            });
        }
        assertThat(stage.health().getStatus().getCode()).isEqualTo("UP");
    }

    @Test
    void aRecordAnotherProducerPutOnTheWrongPartitionIsDeadLetteredWithTheFix() throws Exception {
        String unsure = "foreign-" + UUID.randomUUID();
        int right = KeyPartitioning.partitionOf(unsure, Topics.PREDICTIONS.partitions());
        int wrong =
                (right + 1) % Topics.PREDICTIONS.partitions(); // where a CRC32 (librdkafka default) producer may put it
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", broker.getBrokersAsString()),
                new StringSerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(
                            Topics.PREDICTIONS.name(),
                            wrong,
                            unsure,
                            Topics.PREDICTIONS
                                    .valueSerde()
                                    .serialize(Topics.PREDICTIONS.name(), prediction(unsure, 0.4))))
                    .get();
        }

        List<DeadLetter> letters = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        broker.getBrokersAsString(),
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "it-foreign",
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest"),
                new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(Topics.SAMPLING_DEAD_LETTER.name()));
            Awaitility.await().atMost(Duration.ofSeconds(90)).until(() -> {
                consumer.poll(Duration.ofMillis(300))
                        .forEach(r -> letters.add(
                                Topics.SAMPLING_DEAD_LETTER.valueSerde().deserialize(r.topic(), r.value())));
                return letters.stream().anyMatch(l -> unsure.equals(l.key()));
            });
        }
        assertThat(letters)
                .filteredOn(l -> unsure.equals(l.key()))
                .singleElement()
                .satisfies(letter -> {
                    assertThat(letter.sourcePartition()).isEqualTo(wrong);
                    assertThat(letter.errorMessage())
                            .contains("belongs on partition " + right)
                            .contains("murmur2");
                });
    }

    private static <V> void send(KafkaProducer<String, byte[]> producer, TopicSpec<V> topic, String key, V value)
            throws Exception {
        producer.send(new ProducerRecord<>(topic.name(), key, topic.valueSerde().serialize(topic.name(), value)))
                .get();
    }

    private static Prediction prediction(String id, double confidence) {
        return TestEvents.prediction(id)
                .confidence(confidence)
                .scoredAt(Instant.now())
                .build();
    }
}
