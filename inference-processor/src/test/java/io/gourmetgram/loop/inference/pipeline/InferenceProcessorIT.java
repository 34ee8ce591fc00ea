package io.gourmetgram.loop.inference.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gourmetgram.loop.events.DeadLetter;
import io.gourmetgram.loop.events.Food11;
import io.gourmetgram.loop.events.Prediction;
import io.gourmetgram.loop.events.Upload;
import io.gourmetgram.loop.events.testing.S3TestServer;
import io.gourmetgram.loop.events.testing.SharedFixtures;
import io.gourmetgram.loop.events.testing.TestEvents;
import io.gourmetgram.loop.events.topics.TopicSpec;
import io.gourmetgram.loop.events.topics.Topics;
import io.gourmetgram.loop.inference.testing.OddImages;
import io.gourmetgram.loop.inference.testing.SeverableLink;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The processor against a real KRaft broker and a real S3 server, with the shipped demo model. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@EmbeddedKafka(
        partitions = 1,
        bootstrapServersProperty = "spring.kafka.bootstrap-servers",
        brokerProperties = {"transaction.state.log.replication.factor=1", "transaction.state.log.min.isr=1"})
class InferenceProcessorIT {

    private static final String BUCKET = "production";
    private static S3TestServer s3;
    private static SeverableLink s3Link;
    private static MinioClient minio;

    @Autowired
    private InferencePipeline pipeline;

    @Autowired
    private EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startS3() throws Exception {
        s3 = S3TestServer.start();
        minio = MinioClient.builder()
                .endpoint(s3.endpoint())
                .credentials(S3TestServer.ACCESS_KEY, S3TestServer.SECRET_KEY)
                .build();
        minio.makeBucket(MakeBucketArgs.builder().bucket(BUCKET).build());
        s3Link = new SeverableLink(java.net.URI.create(s3.endpoint()).getPort());
    }

    @AfterAll
    static void stopS3() throws Exception {
        s3Link.close();
        s3.close();
    }

    @DynamicPropertySource
    static void s3Properties(DynamicPropertyRegistry registry) {
        // The service reaches S3 through a link the outage test can sever.
        registry.add("gourmetgram.inference.s3.endpoint", () -> s3Link.endpoint());
        registry.add("gourmetgram.inference.stall-timeout", () -> "3s");
        registry.add("gourmetgram.inference.s3.access-key", () -> S3TestServer.ACCESS_KEY);
        registry.add("gourmetgram.inference.s3.secret-key", () -> S3TestServer.SECRET_KEY);
        registry.add("gourmetgram.inference.retry-backoff", () -> "200ms");
    }

    @Test
    void everyStoredPhotoGetsExactlyOnePredictionAndBadRecordsAreDeadLetteredWithoutStoppingTheStream()
            throws Exception {
        List<String> good = new ArrayList<>();
        try (KafkaProducer<String, byte[]> producer = producer()) {
            for (Path photo : SharedFixtures.food11Photos().subList(0, 6)) {
                good.add(publishUpload(producer, Files.readAllBytes(photo)));
            }
            String corruptImage = publishUpload(producer, "this is not a jpeg".getBytes(StandardCharsets.UTF_8));
            String missingObject = UUID.randomUUID().toString();
            producer.send(new ProducerRecord<>(
                    Topics.UPLOADS.name(), missingObject, json(upload(missingObject, "gone.jpg"))));
            producer.send(new ProducerRecord<>(Topics.UPLOADS.name(), "corrupt-json", new byte[] {'{', 'x'}));
            String misfiled = "misfiled-" + UUID.randomUUID(); // keyed by one upload, body about another
            producer.send(new ProducerRecord<>(
                    Topics.UPLOADS.name(),
                    misfiled,
                    json(upload(
                            UUID.randomUUID().toString(),
                            storedPhoto(SharedFixtures.food11Photos().getFirst())))));
            for (Path photo : SharedFixtures.food11Photos().subList(6, 9)) {
                good.add(publishUpload(producer, Files.readAllBytes(photo)));
            }
            producer.flush();

            Outcomes outcomes = awaitOutcomes(good, List.of(corruptImage, missingObject, "corrupt-json", misfiled));
            List<Prediction> predictions = outcomes.predictions();
            List<DeadLetter> deadLetters = outcomes.deadLetters();

            assertThat(predictions).extracting(Prediction::uploadId).containsExactlyInAnyOrderElementsOf(good);
            for (Prediction p : predictions) {
                assertThat(Food11.LABELS).contains(p.label());
                assertThat(p.topK().getFirst().label()).isEqualTo(p.label());
                assertThat(p.confidence()).isBetween(1.0 / 11, 1.0);
                assertThat(p.model().id()).isEqualTo("food11-demo");
            }
            assertThat(deadLetters)
                    .extracting(DeadLetter::key)
                    .containsExactlyInAnyOrder(corruptImage, missingObject, "corrupt-json", misfiled);
            assertThat(deadLetters).allSatisfy(d -> assertThat(d.stage()).isEqualTo("inference-processor"));
            assertThat(deadLetters).anySatisfy(d -> assertThat(d.errorMessage()).contains("does not exist"));
            assertThat(deadLetters).anySatisfy(d -> assertThat(d.errorMessage()).contains("not a valid Upload event"));
            assertThat(deadLetters).anySatisfy(d -> assertThat(d.errorMessage()).contains("No image decoder"));
            assertThat(deadLetters).anySatisfy(d -> assertThat(d.errorMessage()).contains("keyed '" + misfiled + "'"));
        }
    }

    @Test
    void oddPhotosAreDeadLetteredWithTheReasonAndTheUploadsBehindThemAreStillScored() throws Exception {
        try (KafkaProducer<String, byte[]> producer = producer()) {
            String corruptData = publishUpload(producer, OddImages.pngWithCorruptData());
            String oneByFortyMillion = publishUpload(producer, OddImages.blackPng(1, 40_000_000));
            List<String> behind = new ArrayList<>();
            for (Path photo : SharedFixtures.food11Photos().subList(9, 12)) {
                behind.add(publishUpload(producer, Files.readAllBytes(photo)));
            }
            producer.flush();

            Outcomes outcomes = awaitOutcomes(behind, List.of(corruptData, oneByFortyMillion));

            assertThat(outcomes.predictions())
                    .extracting(Prediction::uploadId)
                    .containsExactlyInAnyOrderElementsOf(behind);
            DeadLetter tooNarrow = outcomes.deadLetters().stream()
                    .filter(d -> d.key().equals(oneByFortyMillion))
                    .findFirst()
                    .orElseThrow();
            assertThat(tooNarrow.errorMessage()).contains("1×40000000");
            DeadLetter corrupt = outcomes.deadLetters().stream()
                    .filter(d -> d.key().equals(corruptData))
                    .findFirst()
                    .orElseThrow();
            assertThat(corrupt.errorMessage()).isNotBlank();
        }
    }

    @Test
    void whileTheObjectStoreIsAwayUploadsWaitWithHealthDownAndAreScoredWhenItReturns() throws Exception {
        try (KafkaProducer<String, byte[]> producer = producer()) {
            List<String> waiting = new ArrayList<>();
            List<Path> photos = SharedFixtures.food11Photos().subList(12, 14);
            List<byte[]> bytes = new ArrayList<>();
            for (Path photo : photos) {
                bytes.add(Files.readAllBytes(photo));
            }
            s3Link.sever();
            try {
                for (byte[] photo : bytes) {
                    waiting.add(publishUpload(producer, photo)); // stored directly, not through the severed link
                }
                producer.flush();
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    assertThat(pipeline.health().getStatus().getCode()).isEqualTo("DOWN");
                    assertThat(String.valueOf(pipeline.health().getDetails().get("reason")))
                            .contains("no upload scored")
                            .contains("object store");
                });
            } finally {
                s3Link.restore();
            }

            Outcomes outcomes = awaitOutcomes(waiting, List.of());
            assertThat(outcomes.predictions())
                    .extracting(Prediction::uploadId)
                    .containsExactlyInAnyOrderElementsOf(waiting);
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() ->
                            assertThat(pipeline.health().getStatus().getCode()).isEqualTo("UP"));
        }
    }

    /** Predictions and dead letters of these uploads only (other tests share the topics); fails on any duplicate. */
    private Outcomes awaitOutcomes(List<String> scored, List<String> deadLettered) {
        List<Prediction> predictions = new ArrayList<>();
        List<DeadLetter> deadLetters = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> predictionReader = reader(Topics.PREDICTIONS);
                KafkaConsumer<String, byte[]> deadLetterReader = reader(Topics.INFERENCE_DEAD_LETTER)) {
            Runnable drain = () -> {
                predictionReader.poll(Duration.ofMillis(200)).forEach(r -> {
                    Prediction p = Topics.PREDICTIONS.valueSerde().deserialize(r.topic(), r.value());
                    if (scored.contains(p.uploadId()) || deadLettered.contains(p.uploadId())) {
                        predictions.add(p);
                    }
                });
                deadLetterReader.poll(Duration.ofMillis(200)).forEach(r -> {
                    DeadLetter d = Topics.INFERENCE_DEAD_LETTER.valueSerde().deserialize(r.topic(), r.value());
                    if (scored.contains(d.key()) || deadLettered.contains(d.key())) {
                        deadLetters.add(d);
                    }
                });
            };
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                drain.run();
                assertThat(predictions).hasSize(scored.size());
                assertThat(deadLetters).hasSize(deadLettered.size());
            });
            // Nothing more arrives: no upload is scored or dead-lettered twice.
            for (int i = 0; i < 5; i++) {
                drain.run();
            }
            assertThat(predictions).hasSize(scored.size());
            assertThat(deadLetters).extracting(DeadLetter::key).containsExactlyInAnyOrderElementsOf(deadLettered);
        }
        return new Outcomes(predictions, deadLetters);
    }

    private record Outcomes(List<Prediction> predictions, List<DeadLetter> deadLetters) {}

    private String publishUpload(KafkaProducer<String, byte[]> producer, byte[] bytes) throws Exception {
        String id = UUID.randomUUID().toString();
        String key = store(id, bytes);
        producer.send(new ProducerRecord<>(Topics.UPLOADS.name(), id, json(upload(id, key))));
        return id;
    }

    private String storedPhoto(Path photo) throws Exception {
        return store(UUID.randomUUID().toString(), Files.readAllBytes(photo));
    }

    private String store(String id, byte[] bytes) throws Exception {
        String key = "2026/11/24/" + id + ".jpg";
        minio.putObject(PutObjectArgs.builder().bucket(BUCKET).object(key).contentType("image/jpeg").stream(
                        new ByteArrayInputStream(bytes), bytes.length, -1)
                .build());
        return key;
    }

    private static Upload upload(String id, String key) {
        return TestEvents.upload(id)
                .object(BUCKET, key)
                .uploadedAt(Instant.now())
                .build();
    }

    private static byte[] json(Upload upload) {
        return Topics.UPLOADS.valueSerde().serialize(Topics.UPLOADS.name(), upload);
    }

    private KafkaProducer<String, byte[]> producer() {
        return new KafkaProducer<>(
                Map.of("bootstrap.servers", broker.getBrokersAsString()),
                new StringSerializer(),
                new ByteArraySerializer());
    }

    private KafkaConsumer<String, byte[]> reader(TopicSpec<?> topic) {
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        broker.getBrokersAsString(),
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "it-" + UUID.randomUUID(),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest",
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        "read_committed"),
                new StringDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer());
        consumer.subscribe(List.of(topic.name()));
        return consumer;
    }
}
