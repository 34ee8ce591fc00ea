package io.gourmetgram.loop.labeling.sink;

import io.gourmetgram.loop.events.testing.TestEvents;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gourmetgram.loop.events.Annotation;
import io.gourmetgram.loop.events.AnnotationAction;
import io.gourmetgram.loop.events.ObjectRef;
import io.gourmetgram.loop.events.Prediction;
import io.gourmetgram.loop.events.LabelingRequest;
import io.gourmetgram.loop.events.RequestState;
import io.gourmetgram.loop.events.ReviewReason;
import io.gourmetgram.loop.events.testing.S3TestServer;
import io.gourmetgram.loop.events.topics.Topics;
import io.gourmetgram.loop.labeling.fake.FakeLabelStudio;
import io.gourmetgram.loop.labeling.labelstudio.LabelStudioClient;
import io.gourmetgram.loop.labeling.project.LabelingConfig;
import io.gourmetgram.loop.labeling.project.ReviewProject;
import io.gourmetgram.loop.labeling.webhooks.WebhookController;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import java.io.ByteArrayInputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
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
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.node.ObjectNode;

/**
 * labeling-sink against the Label Studio fake (a real HTTP server), a real KRaft broker and a real
 * S3 server. The tests share one running sink and run in order, like a day in its life.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT)
@EmbeddedKafka(partitions = 1, bootstrapServersProperty = "spring.kafka.bootstrap-servers")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LabelingSinkIT {

    private static final String TITLE = "GourmetGram review (IT)";
    private static final String SECRET = "webhook-secret-for-tests";
    private static final String CRASHED = "crashed-" + UUID.randomUUID();
    private static final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private static FakeLabelStudio labelStudio;
    private static S3TestServer s3;
    private static int port;

    private final List<Annotation> annotations = new CopyOnWriteArrayList<>();
    @Autowired
    private EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startFakes() throws Exception {
        labelStudio = FakeLabelStudio.start();
        s3 = S3TestServer.start();
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        // A task imported just before a crash, before its receipt was written.
        LabelStudioClient legacy = new LabelStudioClient(labelStudio.url(), FakeLabelStudio.LEGACY_KEY,
                Duration.ofSeconds(5), Clock.systemUTC());
        long project = legacy.createProject(TITLE, LabelingConfig.forLabels(List.of("Rice", "Soup"))).path("id").asLong();
        legacy.importTasks(project, List.of(Map.of("data", Map.of("uploadId", CRASHED, "revision", 1),
                "meta", Map.of("bucket", "production", "key", CRASHED + ".jpg"))));
    }

    @AfterAll
    static void stopFakes() throws Exception {
        labelStudio.close();
        s3.close();
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("server.port", () -> port);
        registry.add("gourmetgram.labeling.label-studio-url", () -> labelStudio.url());
        registry.add("gourmetgram.labeling.label-studio-api-key", () -> FakeLabelStudio.PERSONAL_ACCESS_TOKEN);
        registry.add("gourmetgram.labeling.webhook-secret", () -> SECRET);
        registry.add("gourmetgram.labeling.public-url", () -> "http://127.0.0.1:" + port);
        registry.add("gourmetgram.labeling.image-link-secret", () -> "image-link-secret-for-tests");
        registry.add("gourmetgram.labeling.project-title", () -> TITLE);
        registry.add("gourmetgram.labeling.reconcile-interval", () -> "1s");
        registry.add("gourmetgram.labeling.backoff-min", () -> "200ms");
        registry.add("gourmetgram.labeling.backoff-max", () -> "1s");
        registry.add("gourmetgram.labeling.s3.endpoint", () -> s3.endpoint());
        registry.add("gourmetgram.labeling.s3.access-key", () -> S3TestServer.ACCESS_KEY);
        registry.add("gourmetgram.labeling.s3.secret-key", () -> S3TestServer.SECRET_KEY);
    }

    @Test
    @Order(1)
    void bootstrapFindsTheProjectByTitleRegistersOneWebhookAndIsIdempotent() {
        await().atMost(Duration.ofSeconds(30)).until(() -> !labelStudio.webhooks().isEmpty());
        long projectId = labelStudio.projects().getFirst().path("id").asLong();
        assertThat(labelStudio.webhooks()).singleElement().satisfies(w -> {
            assertThat(w.path("url").asString()).isEqualTo("http://127.0.0.1:" + port + WebhookController.PATH);
            assertThat(w.path("headers").path(WebhookController.SECRET_HEADER).asString()).isEqualTo(SECRET);
        });

        LabelStudioClient client = new LabelStudioClient(labelStudio.url(), FakeLabelStudio.PERSONAL_ACCESS_TOKEN,
                Duration.ofSeconds(5), Clock.systemUTC());
        long again = ReviewProject.bootstrap(client, TITLE, List.of("Rice"), "http://127.0.0.1:" + port, SECRET);

        assertThat(again).isEqualTo(projectId);
        assertThat(labelStudio.projects()).hasSize(1);
        assertThat(labelStudio.webhooks()).hasSize(1);
        assertThat(labelStudio.refreshes()).isPositive(); // the personal access token was exchanged, not sent
    }

    @Test
    @Order(2)
    void requestsBecomeOneTaskPerUploadSkippedOnesStayOutAndACrashedImportIsAdoptedNotRepeated() throws Exception {
        List<String> open = List.of(id(), id(), id(), id());
        String skipped = id();
        for (String upload : open) {
            publish(request(upload, 1, RequestState.OPEN, null));
        }
        publish(request(skipped, 1, RequestState.SKIPPED_BUDGET, null));
        publish(request(CRASHED, 1, RequestState.OPEN, null));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            for (String upload : open) {
                assertThat(labelStudio.tasksOf(upload)).as(upload).hasSize(1);
            }
        });
        assertThat(labelStudio.tasksOf(skipped)).isEmpty();
        assertThat(labelStudio.tasksOf(CRASHED)).hasSize(1);
        ObjectNode task = labelStudio.tasksOf(open.getFirst()).getFirst();
        assertThat(task.path("data").path("predictedLabel").asString()).isEqualTo("Soup");
        assertThat(task.path("data").path("reasons").asString()).isEqualTo("low_confidence");
        assertThat(task.path("meta").path("key").asString()).isEqualTo(open.getFirst() + ".jpg");
    }

    @Test
    @Order(3)
    void aNewRevisionUpdatesTheTaskInsteadOfCreatingASecondOne() throws Exception {
        String upload = id();
        publish(request(upload, 1, RequestState.OPEN, null));
        await().atMost(Duration.ofSeconds(30)).until(() -> labelStudio.tasksOf(upload).size() == 1);

        publish(request(upload, 2, RequestState.OPEN, "Rice"));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(labelStudio.tasksOf(upload)).singleElement().satisfies(t -> {
                assertThat(t.path("data").path("revision").asInt()).isEqualTo(2);
                assertThat(t.path("data").path("userCorrection").asString()).isEqualTo("Rice");
            });
        });
    }

    @Test
    @Order(4)
    void theTasksImageLinkRedirectsToTheStoredPhotoAndATamperedLinkIsRefused() throws Exception {
        String upload = id();
        MinioClient minio = MinioClient.builder().endpoint(s3.endpoint())
                .credentials(S3TestServer.ACCESS_KEY, S3TestServer.SECRET_KEY).build();
        if (!minio.bucketExists(io.minio.BucketExistsArgs.builder().bucket("production").build())) {
            minio.makeBucket(MakeBucketArgs.builder().bucket("production").build());
        }
        byte[] photo = "jpeg bytes".getBytes();
        minio.putObject(PutObjectArgs.builder().bucket("production").object(upload + ".jpg")
                .stream(new ByteArrayInputStream(photo), photo.length, -1).build());
        publish(request(upload, 1, RequestState.OPEN, null));
        await().atMost(Duration.ofSeconds(30)).until(() -> labelStudio.tasksOf(upload).size() == 1);
        String link = labelStudio.tasksOf(upload).getFirst().path("data").path("image").asString();

        HttpResponse<Void> redirect = http.send(HttpRequest.newBuilder(URI.create(link)).build(), HttpResponse.BodyHandlers.discarding());
        assertThat(redirect.statusCode()).isEqualTo(302);
        HttpResponse<byte[]> image = http.send(HttpRequest.newBuilder(URI.create(redirect.headers().firstValue("Location").orElseThrow()))
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(image.body()).isEqualTo(photo);

        HttpResponse<Void> tampered = http.send(HttpRequest.newBuilder(URI.create(link.replace("sig=", "sig=x"))).build(),
                HttpResponse.BodyHandlers.discarding());
        assertThat(tampered.statusCode()).isEqualTo(403);
    }

    @Test
    @Order(5)
    void annotationsArriveByWebhookAsCreatedUpdatedAndDeletedEvents() throws Exception {
        String upload = id();
        publish(request(upload, 1, RequestState.OPEN, null));
        await().atMost(Duration.ofSeconds(30)).until(() -> labelStudio.tasksOf(upload).size() == 1);
        long taskId = labelStudio.tasksOf(upload).getFirst().path("id").asLong();

        long annotationId = labelStudio.annotate(taskId, "Rice");
        labelStudio.updateAnnotation(taskId, annotationId, "Soup");
        labelStudio.deleteAnnotation(taskId, annotationId);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(annotationsOf(upload))
                .extracting(Annotation::action)
                .containsExactly(AnnotationAction.CREATED, AnnotationAction.UPDATED, AnnotationAction.DELETED));
        List<Annotation> events = annotationsOf(upload);
        assertThat(events).extracting(Annotation::label).containsExactly("Rice", "Soup", null);
        assertThat(events.getFirst().taskId()).isEqualTo(taskId);
        assertThat(events.getFirst().annotatorId()).isEqualTo("7");
        assertThat(events.getFirst().leadTimeSeconds()).isEqualTo(12.5);
    }

    @Test
    @Order(6)
    void aWebhookWithoutTheSecretIsRefusedAndEmitsNothing() throws Exception {
        String body = "{\"action\":\"ANNOTATION_CREATED\",\"task\":{\"id\":1,\"data\":{\"uploadId\":\"forged\"}},"
                + "\"annotation\":{\"id\":999999,\"result\":[{\"value\":{\"choices\":[\"Rice\"]}}]}}";
        for (String secret : new String[] {null, "wrong"}) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + WebhookController.PATH))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
            if (secret != null) {
                request.header(WebhookController.SECRET_HEADER, secret);
            }
            assertThat(http.send(request.build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
        }
        assertThat(annotationsOf("forged")).isEmpty();
    }

    @Test
    @Order(7)
    void anAnnotationWhoseWebhookWasLostIsRecoveredByReconciliation() throws Exception {
        String upload = id();
        publish(request(upload, 1, RequestState.OPEN, null));
        await().atMost(Duration.ofSeconds(30)).until(() -> labelStudio.tasksOf(upload).size() == 1);
        labelStudio.dropWebhooks(true);
        try {
            labelStudio.annotate(labelStudio.tasksOf(upload).getFirst().path("id").asLong(), "Egg");
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(annotationsOf(upload)).singleElement().satisfies(a -> {
                        assertThat(a.action()).isEqualTo(AnnotationAction.CREATED);
                        assertThat(a.label()).isEqualTo("Egg");
                    }));
        } finally {
            labelStudio.dropWebhooks(false);
        }
    }

    @Test
    @Order(8)
    void whileLabelStudioIsDownRequestsWaitInKafkaAndAreImportedWhenItReturns() throws Exception {
        labelStudio.down(true);
        List<String> waiting = List.of(id(), id(), id());
        try {
            for (String upload : waiting) {
                publish(request(upload, 1, RequestState.OPEN, null));
            }
            // The sink keeps retrying with back-off; nothing can be imported meanwhile.
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                    .until(() -> waiting.stream().allMatch(u -> labelStudio.tasksOf(u).isEmpty()));
        } finally {
            labelStudio.down(false);
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            for (String upload : waiting) {
                assertThat(labelStudio.tasksOf(upload)).as(upload).hasSize(1);
            }
        });
    }

    @Test
    @Order(9)
    void aCorruptRequestIsDeadLetteredWithItsReasonAndLaterRequestsStillFlow() throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                broker.getBrokersAsString()), new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.LABELING_REQUESTS.name(), "corrupt", new byte[] {'{', 0x01})).get();
        }
        String after = id();
        publish(request(after, 1, RequestState.OPEN, null));

        await().atMost(Duration.ofSeconds(30)).until(() -> labelStudio.tasksOf(after).size() == 1);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString(),
                ConsumerConfig.GROUP_ID_CONFIG, "it-dlt", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(Topics.LABELING_DEAD_LETTER.name()));
            var letters = consumer.poll(Duration.ofSeconds(3));
            assertThat(letters).singleElement().satisfies(r -> assertThat(
                    Topics.LABELING_DEAD_LETTER.valueSerde().deserialize(r.topic(), r.value()).errorMessage())
                    .contains("not a valid LabelingRequest event"));
        }
    }

    @Test
    @Order(10)
    void aTaskLabelStudioRejectsIsDeadLetteredAloneAndTheRestOfItsBatchIsImported() throws Exception {
        String rejected = "unacceptable-" + UUID.randomUUID();
        List<String> fine = List.of(id(), id());
        publish(request(fine.get(0), 1, RequestState.OPEN, null));
        publish(request(rejected, 1, RequestState.OPEN, null));
        publish(request(fine.get(1), 1, RequestState.OPEN, null));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            for (String upload : fine) {
                assertThat(labelStudio.tasksOf(upload)).as(upload).hasSize(1);
            }
        });
        assertThat(labelStudio.tasksOf(rejected)).isEmpty();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString(),
                ConsumerConfig.GROUP_ID_CONFIG, "it-dlt-2", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(Topics.LABELING_DEAD_LETTER.name()));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(consumer.poll(Duration.ofMillis(500)))
                    .anySatisfy(r -> {
                        assertThat(r.key()).isEqualTo(rejected);
                        assertThat(Topics.LABELING_DEAD_LETTER.valueSerde().deserialize(r.topic(), r.value()).errorMessage())
                                .contains("HTTP 400").contains("labeling config");
                    }));
        }
    }

    private List<Annotation> annotationsOf(String upload) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString(),
                ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(Topics.ANNOTATIONS.name()));
            annotations.clear();
            consumer.poll(Duration.ofSeconds(2)).forEach(r -> annotations.add(
                    Topics.ANNOTATIONS.valueSerde().deserialize(r.topic(), r.value())));
            return annotations.stream().filter(a -> a.uploadId().equals(upload)).toList();
        }
    }

    private void publish(LabelingRequest request) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                broker.getBrokersAsString()), new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.LABELING_REQUESTS.name(), request.uploadId(),
                    Topics.LABELING_REQUESTS.valueSerde().serialize("t", request))).get();
        }
    }

    private static LabelingRequest request(String upload, int revision, RequestState state, String correction) {
        Prediction prediction = TestEvents.prediction(upload).object(new ObjectRef("production", upload + ".jpg"))
                .confidence(0.55).scoredAt(Instant.now()).build();
        ReviewReason[] reasons = correction == null
                ? new ReviewReason[] {ReviewReason.LOW_CONFIDENCE}
                : new ReviewReason[] {ReviewReason.LOW_CONFIDENCE, ReviewReason.CORRECTED};
        return TestEvents.labelingRequest(upload).revision(revision).state(state).reasons(reasons).prediction(prediction)
                .userCorrection(correction).at(Instant.now()).build();
    }

    private static String id() {
        return UUID.randomUUID().toString();
    }
}
