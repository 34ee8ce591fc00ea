package io.gourmetgram.loop.ingest.upload;

import static org.assertj.core.api.Assertions.assertThat;

import io.gourmetgram.loop.events.Feedback;
import io.gourmetgram.loop.events.FeedbackKind;
import io.gourmetgram.loop.events.ModelRef;
import io.gourmetgram.loop.events.Prediction;
import io.gourmetgram.loop.events.ScoredLabel;
import io.gourmetgram.loop.events.Upload;
import io.gourmetgram.loop.events.testing.S3TestServer;
import io.gourmetgram.loop.events.testing.SharedFixtures;
import io.gourmetgram.loop.events.topics.TopicSpec;
import io.gourmetgram.loop.events.topics.Topics;
import io.gourmetgram.loop.ingest.HttpTestClient;
import io.gourmetgram.loop.ingest.HttpTestClient.Answer;
import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** ingest-api over real HTTP, against a real KRaft broker and a real S3 server. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"gourmetgram.ingest.max-upload-size=1MB", "spring.servlet.multipart.max-file-size=1MB"})
@EmbeddedKafka(partitions = 1, bootstrapServersProperty = "spring.kafka.bootstrap-servers")
class UploadApiIT {

    private static S3TestServer s3;

    @LocalServerPort
    private int port;
    @Autowired
    private EmbeddedKafkaBroker broker;
    private HttpTestClient http;

    @BeforeAll
    static void startS3() {
        s3 = S3TestServer.start();
    }

    @AfterAll
    static void stopS3() throws Exception {
        s3.close();
    }

    @DynamicPropertySource
    static void s3(DynamicPropertyRegistry registry) {
        registry.add("gourmetgram.ingest.s3.endpoint", () -> s3.endpoint());
        registry.add("gourmetgram.ingest.s3.access-key", () -> S3TestServer.ACCESS_KEY);
        registry.add("gourmetgram.ingest.s3.secret-key", () -> S3TestServer.SECRET_KEY);
    }

    @BeforeEach
    void client() {
        http = new HttpTestClient(port);
    }

    @Test
    void multipartPhotoIsStoredAndAnnouncedOnceThenAnswered202() throws Exception {
        Path photo = smallPhoto();
        byte[] bytes = Files.readAllBytes(photo);

        Answer answer = http.uploadMultipart("dinner.png", bytes); // the name lies; the content decides

        assertThat(answer.status()).isEqualTo(202);
        String id = answer.json().path("uploadId").asString();
        assertThat(answer.json().path("statusUrl").asString()).isEqualTo("/api/uploads/" + id);
        assertThat(answer.json().path("feedbackToken").asString()).hasSize(43);

        Upload event = onlyEventFor(Topics.UPLOADS, id);
        assertThat(event.contentType()).isEqualTo("image/jpeg");
        assertThat(event.byteSize()).isEqualTo(bytes.length);
        assertThat(event.sha256()).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
        assertThat(event.width()).isPositive();
        assertThat(event.object().bucket()).isEqualTo("production");
        assertThat(event.object().key()).matches("\\d{4}/\\d{2}/\\d{2}/" + id + "\\.jpg");
        assertThat(event.feedbackTokenSha256()).doesNotContain(answer.json().path("feedbackToken").asString());

        StatObjectResponse stat = minio().statObject(StatObjectArgs.builder().bucket("production").object(event.object().key()).build());
        assertThat(stat.contentType()).isEqualTo("image/jpeg");
        try (var in = minio().getObject(GetObjectArgs.builder().bucket("production").object(event.object().key()).build())) {
            assertThat(in.readAllBytes()).isEqualTo(bytes);
        }
    }

    @Test
    void rawImageBodyIsAcceptedToo() throws Exception {
        Answer answer = http.uploadRaw("image/jpeg", Files.readAllBytes(smallPhoto()));

        assertThat(answer.status()).isEqualTo(202);
        assertThat(onlyEventFor(Topics.UPLOADS, answer.json().path("uploadId").asString())).isNotNull();
    }

    @Test
    void badInputsGetTheirStatusAndAProblemThatSaysWhy() throws Exception {
        assertProblem(http.uploadMultipart("photo.jpg", "not an image at all".getBytes()), 415, "not a JPEG, PNG or WebP");
        assertProblem(http.uploadRaw("image/png", TestImages.pngHeader(10_000, 10_000)), 422, "100000000 pixels");
        assertProblem(http.uploadRaw("image/jpeg", new byte[0]), 400, "no image bytes");
        byte[] large = Files.readAllBytes(largePhoto());
        assertProblem(http.uploadRaw("image/jpeg", large), 413, "1048576 bytes at most");
        assertProblem(http.uploadMultipart("big.jpg", large), 413, "at most");
        assertProblem(http.get("/api/uploads/" + UUID.randomUUID()), 404, "No upload with id");
        assertProblem(http.get("/no/such/page"), 404, "");
    }

    @Test
    void waitingForAPredictionReturnsItAsSoonAsItIsPublished() throws Exception {
        String id = http.uploadRaw("image/jpeg", Files.readAllBytes(smallPhoto())).json().path("uploadId").asString();
        Upload upload = onlyEventFor(Topics.UPLOADS, id);

        assertThat(http.get("/api/uploads/" + id).json().path("status").asString()).isEqualTo("pending");
        CompletableFuture<Answer> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return http.get("/api/uploads/" + id + "?wait=20s");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Prediction prediction = new Prediction(id, upload.object(), new ModelRef("m", "1"), "Rice", 7, 0.8,
                List.of(new ScoredLabel("Rice", 7, 0.8), new ScoredLabel("Soup", 9, 0.2)), 3.0, Instant.now());
        publish(Topics.PREDICTIONS, id, prediction);

        Answer answer = waiting.get();
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json().path("status").asString()).isEqualTo("predicted");
        assertThat(answer.json().path("prediction").path("label").asString()).isEqualTo("Rice");
        assertThat(answer.json().path("upload").has("feedbackTokenSha256")).isFalse();
    }

    @Test
    void feedbackIsAuthorizedByTheUploadsTokenAndPublished() throws Exception {
        Answer uploaded = http.uploadRaw("image/jpeg", Files.readAllBytes(smallPhoto()));
        String id = uploaded.json().path("uploadId").asString();
        String token = uploaded.json().path("feedbackToken").asString();
        String path = "/api/uploads/" + id;

        assertThat(http.post(path + "/flag", token, null).status()).isEqualTo(202);
        assertThat(http.post(path + "/correction", token, "{\"label\": \"Rice\"}").status()).isEqualTo(202);

        assertProblem(http.post(path + "/flag", null, null), 403, "X-Feedback-Token");
        assertProblem(http.post(path + "/flag", "wrong-token", null), 403, "does not belong");
        assertProblem(http.post("/api/uploads/" + UUID.randomUUID() + "/flag", token, null), 404, "No upload");
        Answer badLabel = http.post(path + "/correction", token, "{\"label\": \"Pizza\"}");
        assertProblem(badLabel, 422, "Vegetable/Fruit");
        assertThat(badLabel.json().path("validLabels")).hasSize(11);
        assertProblem(http.post(path + "/correction", token, "{\"label\": "), 400, "JSON body");
        assertProblem(http.post(path + "/correction", token, "{\"label\": \"" + "x".repeat(2000) + "\"}"), 400, "at most");

        List<Feedback> feedback = eventsFor(Topics.FEEDBACK, id, 2);
        assertThat(feedback).extracting(Feedback::kind).containsExactly(FeedbackKind.FLAG, FeedbackKind.CORRECTION);
        assertThat(feedback.get(1).correctedLabel()).isEqualTo("Rice");
        assertThat(feedback.get(0).client().userAgent()).isNotBlank();
    }

    private static void assertProblem(Answer answer, int status, String detailContains) {
        assertThat(answer.status()).isEqualTo(status);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.json().path("status").asInt()).isEqualTo(status);
        assertThat(answer.json().path("title").asString()).isNotBlank();
        assertThat(answer.json().path("detail").asString()).contains(detailContains);
    }

    private static Path smallPhoto() throws Exception {
        for (Path p : SharedFixtures.food11Photos()) {
            if (Files.size(p) < 200_000) {
                return p;
            }
        }
        throw new IllegalStateException("no small photo");
    }

    private static Path largePhoto() throws Exception {
        for (Path p : SharedFixtures.food11Photos()) {
            if (Files.size(p) > 1_100_000) {
                return p;
            }
        }
        throw new IllegalStateException("no large photo");
    }

    private MinioClient minio() {
        return MinioClient.builder().endpoint(s3.endpoint()).credentials(S3TestServer.ACCESS_KEY, S3TestServer.SECRET_KEY).build();
    }

    private <V> void publish(TopicSpec<V> topic, String key, V value) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", broker.getBrokersAsString()),
                new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic.name(), key, topic.valueSerde().serialize(topic.name(), value))).get();
        }
    }

    private <V> V onlyEventFor(TopicSpec<V> topic, String key) {
        List<V> events = eventsFor(topic, key, 1);
        return events.getFirst();
    }

    /** All events for the key on the topic, once the expected number has arrived (and no more after a short grace). */
    private <V> List<V> eventsFor(TopicSpec<V> topic, String key, int expected) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString(),
                ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic.name()));
            List<V> found = new ArrayList<>();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (key.equals(r.key())) {
                        found.add(topic.valueSerde().deserialize(r.topic(), r.value()));
                    }
                });
                return found.size() >= expected;
            });
            consumer.poll(Duration.ofMillis(500)).forEach(r -> {
                if (key.equals(r.key())) {
                    found.add(topic.valueSerde().deserialize(r.topic(), r.value()));
                }
            });
            assertThat(found).hasSize(expected);
            return found;
        }
    }
}
