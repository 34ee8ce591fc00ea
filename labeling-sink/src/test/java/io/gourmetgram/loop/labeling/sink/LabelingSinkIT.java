package io.gourmetgram.loop.labeling.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gourmetgram.loop.events.Annotation;
import io.gourmetgram.loop.events.AnnotationAction;
import io.gourmetgram.loop.events.DeadLetter;
import io.gourmetgram.loop.events.LabelingReceipt;
import io.gourmetgram.loop.events.LabelingRequest;
import io.gourmetgram.loop.events.ObjectRef;
import io.gourmetgram.loop.events.Prediction;
import io.gourmetgram.loop.events.RequestState;
import io.gourmetgram.loop.events.ReviewReason;
import io.gourmetgram.loop.events.testing.S3TestServer;
import io.gourmetgram.loop.events.testing.TestEvents;
import io.gourmetgram.loop.events.topics.TopicSpec;
import io.gourmetgram.loop.events.topics.Topics;
import io.gourmetgram.loop.labeling.LabelingSinkApplication;
import io.gourmetgram.loop.labeling.fake.FakeLabelStudio;
import io.gourmetgram.loop.labeling.labelstudio.LabelStudioClient;
import io.gourmetgram.loop.labeling.project.LabelingConfig;
import io.gourmetgram.loop.labeling.project.ReviewProject;
import io.gourmetgram.loop.labeling.webhooks.WebhookController;
import io.micrometer.core.instrument.MeterRegistry;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
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
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
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
    private static final HttpClient http =
            HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private static FakeLabelStudio labelStudio;
    private static S3TestServer s3;
    private static final String MANAGEMENT_TOKEN = "management-token-for-tests-0123456789";
    private static int port;

    @Autowired
    private EmbeddedKafkaBroker broker;

    @LocalManagementPort
    private int managementPort;

    @BeforeAll
    static void startFakes() throws Exception {
        labelStudio = FakeLabelStudio.start();
        s3 = S3TestServer.start();
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        admin().createProject(TITLE, LabelingConfig.forLabels(List.of("Rice", "Soup")));
        crashedImport(CRASHED);
    }

    private static LabelStudioClient admin() {
        return new LabelStudioClient(
                labelStudio.url(), FakeLabelStudio.PERSONAL_ACCESS_TOKEN, Duration.ofSeconds(5), Clock.systemUTC());
    }

    /** A task imported just before a crash, before its receipt was written. */
    private static void crashedImport(String upload) {
        LabelStudioClient admin = admin();
        admin.importTasks(
                admin.projectsTitled(TITLE).getFirst().id(),
                List.of(Map.of(
                        "data",
                        Map.of("uploadId", upload, "revision", 1, "image", "http://x/i"),
                        "meta",
                        Map.of("bucket", "production", "key", upload + ".jpg"))));
    }

    @AfterAll
    static void stopFakes() throws Exception {
        labelStudio.close();
        s3.close();
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("server.port", () -> port);
        registry.add("gourmetgram.management.token", () -> MANAGEMENT_TOKEN);
        registry.add("gourmetgram.labeling.label-studio-url", () -> labelStudio.url());
        registry.add("gourmetgram.labeling.label-studio-api-key", () -> FakeLabelStudio.PERSONAL_ACCESS_TOKEN);
        registry.add("gourmetgram.labeling.webhook-secret", () -> SECRET);
        registry.add("gourmetgram.labeling.public-url", () -> "http://127.0.0.1:" + port);
        registry.add("gourmetgram.labeling.image-link-secret", () -> "image-link-secret-for-tests");
        registry.add("gourmetgram.labeling.project-title", () -> TITLE);
        registry.add("gourmetgram.labeling.reconcile-interval", () -> "1s");
        registry.add("gourmetgram.labeling.backoff-min", () -> "200ms");
        registry.add("gourmetgram.labeling.backoff-max", () -> "1s");
        registry.add("gourmetgram.labeling.timeout", () -> "1s");
        registry.add("gourmetgram.labeling.import-settle", () -> "3s");
        registry.add("gourmetgram.labeling.sweep-interval", () -> "2s");
        registry.add("gourmetgram.labeling.webhook-max-bytes", () -> "65536");
        registry.add("gourmetgram.labeling.s3.endpoint", () -> s3.endpoint());
        registry.add("gourmetgram.labeling.s3.access-key", () -> S3TestServer.ACCESS_KEY);
        registry.add("gourmetgram.labeling.s3.secret-key", () -> S3TestServer.SECRET_KEY);
    }

    @Test
    @Order(1)
    void bootstrapFindsTheProjectByTitleRegistersOneWebhookAndIsIdempotent() {
        await().atMost(Duration.ofSeconds(30))
                .until(() -> !labelStudio.webhooks().isEmpty());
        long projectId = labelStudio.projects().getFirst().path("id").asLong();
        assertThat(labelStudio.webhooks()).singleElement().satisfies(w -> {
            assertThat(w.path("url").asString()).isEqualTo("http://127.0.0.1:" + port + WebhookController.PATH);
            assertThat(w.path("headers").path(WebhookController.SECRET_HEADER).asString())
                    .isEqualTo(SECRET);
        });

        LabelStudioClient client = new LabelStudioClient(
                labelStudio.url(), FakeLabelStudio.PERSONAL_ACCESS_TOKEN, Duration.ofSeconds(5), Clock.systemUTC());
        long again = new ReviewProject(client, TITLE, List.of("Rice"), "http://127.0.0.1:" + port, SECRET).id();

        assertThat(again).isEqualTo(projectId);
        assertThat(labelStudio.projects()).hasSize(1);
        assertThat(labelStudio.webhooks()).hasSize(1);
        assertThat(labelStudio.refreshes()).isPositive(); // the personal access token was exchanged, not sent
    }

    /**
     * The first requests after a start include ones imported just before a crash, without receipts. Reconciliation
     * would adopt those tasks on its next pass, but the request may come first: the first batch after an assignment
     * looks in Label Studio itself. Task listings fail here until the batch has retried, so reconciliation cannot
     * adopt {@code crashedJustNow} first (before the fix the worker imported it a second time, as it did now and
     * then with {@code CRASHED} under load).
     */
    @Test
    @Order(2)
    void requestsBecomeOneTaskPerUploadSkippedOnesStayOutAndACrashedImportIsAdoptedNotRepeated() throws Exception {
        List<String> open = List.of(id(), id(), id(), id());
        String skipped = id();
        String crashedJustNow = "crashed-" + id();
        labelStudio.garbleAnswers("GET", "/api/tasks/?", 3);
        crashedImport(crashedJustNow);
        publish(request(crashedJustNow, 1, RequestState.OPEN, null)); // first: it was in Kafka before the start
        for (String upload : open) {
            publish(request(upload, 1, RequestState.OPEN, null));
        }
        publish(request(skipped, 1, RequestState.SKIPPED_BUDGET, null));
        publish(request(CRASHED, 1, RequestState.OPEN, null));

        awaitOneTaskEach(open);
        assertThat(labelStudio.tasksOf(skipped)).isEmpty();
        assertThat(labelStudio.tasksOf(CRASHED)).hasSize(1);
        assertThat(labelStudio.tasksOf(crashedJustNow)).hasSize(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> receiptOf(crashedJustNow) != null);
        ObjectNode task = labelStudio.tasksOf(open.getFirst()).getFirst();
        assertThat(task.path("data").path("predictedLabel").asString()).isEqualTo("Soup");
        assertThat(task.path("data").path("reasons").asString()).isEqualTo("low_confidence");
        assertThat(task.path("meta").path("key").asString()).isEqualTo(open.getFirst() + ".jpg");
    }

    @Test
    @Order(3)
    void aNewRevisionUpdatesTheTaskInsteadOfCreatingASecondOne() throws Exception {
        String upload = id();
        importedTask(upload);

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
        MinioClient minio = MinioClient.builder()
                .endpoint(s3.endpoint())
                .credentials(S3TestServer.ACCESS_KEY, S3TestServer.SECRET_KEY)
                .build();
        if (!minio.bucketExists(
                io.minio.BucketExistsArgs.builder().bucket("production").build())) {
            minio.makeBucket(MakeBucketArgs.builder().bucket("production").build());
        }
        byte[] photo = "jpeg bytes".getBytes();
        minio.putObject(PutObjectArgs.builder().bucket("production").object(upload + ".jpg").stream(
                        new ByteArrayInputStream(photo), photo.length, -1)
                .build());
        importedTask(upload);
        String link = labelStudio
                .tasksOf(upload)
                .getFirst()
                .path("data")
                .path("image")
                .asString();

        HttpResponse<Void> redirect =
                http.send(HttpRequest.newBuilder(URI.create(link)).build(), HttpResponse.BodyHandlers.discarding());
        assertThat(redirect.statusCode()).isEqualTo(302);
        HttpResponse<byte[]> image = http.send(
                HttpRequest.newBuilder(URI.create(
                                redirect.headers().firstValue("Location").orElseThrow()))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(image.body()).isEqualTo(photo);

        HttpResponse<Void> tampered = http.send(
                HttpRequest.newBuilder(URI.create(link.replace("sig=", "sig=x")))
                        .build(),
                HttpResponse.BodyHandlers.discarding());
        assertThat(tampered.statusCode()).isEqualTo(403);
    }

    @Test
    @Order(5)
    void annotationsArriveByWebhookAsCreatedUpdatedAndDeletedEvents() throws Exception {
        String upload = id();
        long taskId = importedTask(upload);

        long annotationId = labelStudio.annotate(taskId, "Rice");
        labelStudio.updateAnnotation(taskId, annotationId, "Soup");
        labelStudio.deleteAnnotation(taskId, annotationId);

        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(annotationsOf(upload))
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
            HttpRequest.Builder request = HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port + WebhookController.PATH))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body));
            if (secret != null) {
                request.header(WebhookController.SECRET_HEADER, secret);
            }
            assertThat(http.send(request.build(), HttpResponse.BodyHandlers.ofString())
                            .statusCode())
                    .isEqualTo(401);
        }
        assertThat(annotationsOf("forged")).isEmpty();
    }

    @Test
    @Order(7)
    void anAnnotationWhoseWebhookWasLostIsRecoveredByReconciliation() throws Exception {
        String upload = id();
        long taskId = importedTask(upload);
        labelStudio.dropWebhooks(true);
        try {
            labelStudio.annotate(taskId, "Egg");
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(annotationsOf(upload))
                            .singleElement()
                            .satisfies(a -> {
                                assertThat(a.action()).isEqualTo(AnnotationAction.CREATED);
                                assertThat(a.label()).isEqualTo("Egg");
                            }));
        } finally {
            labelStudio.dropWebhooks(false);
        }
    }

    @Test
    @Order(7)
    void aWebhookThatBeatsItsTasksReceiptIsHeldAndPublishedOnceNotDeadLettered() throws Exception {
        // A task in our project whose receipt is not written yet (the worker is between import and
        // receipt, or another replica made it): the annotator is faster than the receipt.
        String upload = "racing-" + id();
        LabelStudioClient admin = new LabelStudioClient(
                labelStudio.url(), FakeLabelStudio.PERSONAL_ACCESS_TOKEN, Duration.ofSeconds(5), Clock.systemUTC());
        long project = labelStudio.projects().stream()
                .filter(p -> p.path("title").asString().equals(TITLE))
                .findFirst()
                .orElseThrow()
                .path("id")
                .asLong();
        long taskId = admin.importTasks(
                        project,
                        List.of(Map.of(
                                "data",
                                Map.of("uploadId", upload, "revision", 1, "image", "http://x/i"),
                                "meta",
                                Map.of("bucket", "production", "key", upload + ".jpg"))))
                .getFirst();

        labelStudio.annotate(taskId, "Rice"); // its webhook arrives before any receipt exists

        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(annotationsOf(upload))
                        .singleElement()
                        .satisfies(a -> assertThat(a.label()).isEqualTo("Rice")));
        // Past the hold's patience (3 reconciliation intervals): still once, and no dead letter.
        await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(annotationsOf(upload)).hasSize(1);
            assertThat(deadLetters()).noneMatch(d -> upload.equals(d.key()));
        });
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
            assertNothingImportedFor(waiting);
        } finally {
            labelStudio.down(false);
        }
        awaitOneTaskEach(waiting);
    }

    @Test
    @Order(9)
    void aCorruptRequestIsDeadLetteredWithItsReasonAndLaterRequestsStillFlow() throws Exception {
        publishRaw(Topics.LABELING_REQUESTS.name(), "corrupt", new byte[] {'{', 0x01});
        String after = id();
        publish(request(after, 1, RequestState.OPEN, null));

        await().atMost(Duration.ofSeconds(30))
                .until(() -> labelStudio.tasksOf(after).size() == 1);
        assertThat(deadLetters())
                .singleElement()
                .satisfies(d -> assertThat(d.errorMessage()).contains("not a valid LabelingRequest event"));
    }

    @Test
    @Order(10)
    void aTaskLabelStudioRejectsIsDeadLetteredAloneAndTheRestOfItsBatchIsImported() throws Exception {
        String rejected = "unacceptable-" + UUID.randomUUID();
        List<String> fine = List.of(id(), id());
        publish(request(fine.get(0), 1, RequestState.OPEN, null));
        publish(request(rejected, 1, RequestState.OPEN, null));
        publish(request(fine.get(1), 1, RequestState.OPEN, null));

        awaitOneTaskEach(fine);
        assertThat(labelStudio.tasksOf(rejected)).isEmpty();
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(deadLetters()).anySatisfy(d -> {
                    assertThat(d.key()).isEqualTo(rejected);
                    assertThat(d.errorMessage()).contains("HTTP 400").contains("labeling config");
                }));
    }

    // ---- issue 10: faults ------------------------------------------------------------------------

    @Test
    @Order(11)
    void aDeletedTaskIsImportedAgainOnItsNextRevisionAndLaterRequestsStillFlow() throws Exception {
        String upload = id();
        labelStudio.deleteTask(importedTask(upload));

        String after = id();
        publish(request(upload, 2, RequestState.OPEN, "Rice"));
        publish(request(after, 1, RequestState.OPEN, null));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(labelStudio.tasksOf(upload))
                    .singleElement()
                    .satisfies(t ->
                            assertThat(t.path("data").path("revision").asInt()).isEqualTo(2));
            assertThat(labelStudio.tasksOf(after)).hasSize(1);
        });
    }

    @Test
    @Order(11)
    void anUpdateLabelStudioRefusesForOneTaskIsDeadLetteredAndLaterRequestsStillFlow() throws Exception {
        String upload = id();
        labelStudio.lockTask(importedTask(upload));

        publish(request(upload, 2, RequestState.OPEN, "Rice"));
        String after = id();
        importedTask(after);

        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(deadLetters()).anySatisfy(d -> {
                    assertThat(d.key()).isEqualTo(upload);
                    assertThat(d.errorMessage()).contains("HTTP 403");
                }));
    }

    @Test
    @Order(12)
    void anImportAnsweredTooLateIsAdoptedNotImportedTwice() throws Exception {
        String upload = id();
        labelStudio.slowImportAfterWork(Duration.ofMillis(2500)); // past the client's 1 s timeout (2 s per call)
        try {
            importedTask(upload);
        } finally {
            labelStudio.slowImportAfterWork(Duration.ZERO);
        }
        publish(request(upload, 2, RequestState.OPEN, "Egg")); // a receipt was written: this updates, not imports

        awaitOneTaskAtRevision(List.of(upload), 2);
    }

    @Test
    @Order(13)
    void anAsynchronousImportWithoutTaskIdsIsAdoptedNotImportedTwice() throws Exception {
        List<String> uploads = List.of(id(), id());
        labelStudio.asynchronousImport(true);
        try {
            for (String upload : uploads) {
                publish(request(upload, 1, RequestState.OPEN, null));
            }
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> uploads.stream()
                                    .allMatch(u -> labelStudio.tasksOf(u).size() == 1)
                            && uploads.stream().allMatch(u -> receiptOf(u) != null));
        } finally {
            labelStudio.asynchronousImport(false);
        }
        for (String upload : uploads) {
            publish(request(upload, 2, RequestState.OPEN, "Egg"));
        }
        awaitOneTaskAtRevision(uploads, 2);
    }

    @Test
    @Order(14)
    void requestsOnPartitionsReassignedWhileLabelStudioIsDownAreNotSkipped() throws Exception {
        List<String> waiting = List.of(id(), id(), id(), id(), id(), id());
        Map<String, Integer> partitionOf = new java.util.HashMap<>();
        labelStudio.down(true);
        try {
            for (String upload : waiting) {
                partitionOf.put(upload, publish(request(upload, 1, RequestState.OPEN, null)));
            }
            // A second member joins the group while the sink backs off: a rebalance hands the sink its partitions anew.
            try (KafkaConsumer<String, byte[]> other = new KafkaConsumer<>(
                    Map.of(
                            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                            broker.getBrokersAsString(),
                            ConsumerConfig.GROUP_ID_CONFIG,
                            LabelingSink.GROUP_ID,
                            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                            false),
                    new StringDeserializer(),
                    new ByteArrayDeserializer())) {
                other.subscribe(List.of(Topics.LABELING_REQUESTS.name()));
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    other.poll(Duration.ofMillis(100));
                    return !other.assignment().isEmpty();
                });
                Set<Integer> othersPartitions = other.assignment().stream()
                        .map(TopicPartition::partition)
                        .collect(java.util.stream.Collectors.toSet());
                assertNothingImportedFor(waiting);
                labelStudio.down(false);

                // The other member never processes its partitions; the sink's own must all arrive.
                List<String> sinks = waiting.stream()
                        .filter(u -> !othersPartitions.contains(partitionOf.get(u)))
                        .toList();
                assertThat(sinks).isNotEmpty();
                awaitOneTaskEach(sinks);
            }
        } finally {
            labelStudio.down(false);
        }
        awaitOneTaskEach(waiting);
    }

    @Test
    @Order(15)
    void anAnswerThatIsNotJsonBacksOffAndRetriesInsteadOfStoppingTheWorker() throws Exception {
        String upload = id();
        importedTask(upload);
        labelStudio.garbleAnswers("PATCH", "/api/tasks/\\d+/?", 2);

        publish(request(upload, 2, RequestState.OPEN, "Rice"));

        awaitOneTaskAtRevision(List.of(upload), 2);
        assertThat(health()).contains("\"status\":\"UP\"");
    }

    @Test
    @Order(16)
    void aRequestWithMissingFieldsIsDeadLetteredAndLaterRequestsStillFlow() throws Exception {
        String incomplete = id();
        ObjectNode json = (ObjectNode) tools.jackson.databind.json.JsonMapper.builder()
                .build()
                .readTree(Topics.LABELING_REQUESTS
                        .valueSerde()
                        .serialize("t", request(incomplete, 1, RequestState.OPEN, null)));
        json.remove("prediction");
        publishRaw(Topics.LABELING_REQUESTS.name(), incomplete, json.toString().getBytes());
        String after = id();
        publish(request(after, 1, RequestState.OPEN, null));

        await().atMost(Duration.ofSeconds(30))
                .until(() -> labelStudio.tasksOf(after).size() == 1);
        assertThat(deadLetters()).anySatisfy(d -> {
            assertThat(d.key()).isEqualTo(incomplete);
            assertThat(d.errorMessage()).contains("without prediction");
        });
        assertThat(labelStudio.tasksOf(incomplete)).isEmpty();
    }

    @Test
    @Order(17)
    void aLabelSavedWhileReconciliationReadsTheTaskListIsNotRetracted() throws Exception {
        String upload = id();
        long taskId = importedTask(upload);
        labelStudio.slowTaskListing(Duration.ofMillis(700)); // under the 1 s client timeout
        try {
            int listings = labelStudio.taskListings();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> labelStudio.taskListings() > listings); // a snapshot is taken
            labelStudio.annotate(taskId, "Rice"); // delivered by webhook while the listing is on its way

            await().atMost(Duration.ofSeconds(10))
                    .until(() -> !annotationsOf(upload).isEmpty());
            await().during(Duration.ofSeconds(3))
                    .atMost(Duration.ofSeconds(8))
                    .until(() -> annotationsOf(upload).stream().noneMatch(a -> a.action() == AnnotationAction.DELETED));
        } finally {
            labelStudio.slowTaskListing(Duration.ZERO);
        }
        assertThat(annotationsOf(upload)).extracting(Annotation::action).containsExactly(AnnotationAction.CREATED);
    }

    @Test
    @Order(18)
    void reconciliationReadsOnlyTasksChangedSinceItsLastPass() {
        int tasksInProject = labelStudio.tasks().size();
        assertThat(tasksInProject).isGreaterThan(10);
        int listings = labelStudio.taskListings();
        await().atMost(Duration.ofSeconds(10)).until(() -> labelStudio.taskListings() >= listings + 2);

        assertThat(labelStudio.lastListedTasks()).isLessThan(tasksInProject / 2);
    }

    @Test
    @Order(19)
    void deletingATaskRetractsItsLabelsByWebhookOrElseByTheSweep() throws Exception {
        String byWebhook = id();
        String bySweep = id();
        publish(request(byWebhook, 1, RequestState.OPEN, null));
        publish(request(bySweep, 1, RequestState.OPEN, null));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> labelStudio.tasksOf(byWebhook).size() == 1
                        && labelStudio.tasksOf(bySweep).size() == 1);
        long first = labelStudio.tasksOf(byWebhook).getFirst().path("id").asLong();
        long second = labelStudio.tasksOf(bySweep).getFirst().path("id").asLong();
        labelStudio.annotate(first, "Rice");
        labelStudio.annotate(second, "Soup");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> annotationsOf(byWebhook).size() == 1
                        && annotationsOf(bySweep).size() == 1);

        labelStudio.deleteTask(first); // TASKS_DELETED, no ANNOTATIONS_DELETED
        labelStudio.dropWebhooks(true);
        try {
            labelStudio.deleteTask(second); // the webhook is lost
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                assertThat(annotationsOf(byWebhook))
                        .extracting(Annotation::action)
                        .containsExactly(AnnotationAction.CREATED, AnnotationAction.DELETED);
                assertThat(annotationsOf(bySweep))
                        .extracting(Annotation::action)
                        .containsExactly(AnnotationAction.CREATED, AnnotationAction.DELETED);
            });
        } finally {
            labelStudio.dropWebhooks(false);
        }
    }

    @Test
    @Order(20)
    void aWebhookThatDriftedIsPutBackWithTheCurrentSecretTheActionsWeHandleAndActive() throws Exception {
        ObjectNode hook = labelStudio.webhooks().getFirst();
        labelStudio.alterWebhook(hook.path("id").asLong(), w -> {
            w.putObject("headers").put(WebhookController.SECRET_HEADER, "the-secret-before-rotation");
            w.put("is_active", false); // as newer Label Studio versions do after 50 failed deliveries
            w.putArray("actions").add("ANNOTATION_CREATED");
        });

        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(labelStudio.webhooks())
                        .singleElement()
                        .satisfies(w -> {
                            assertThat(w.path("is_active").asBoolean()).isTrue();
                            assertThat(w.path("headers")
                                            .path(WebhookController.SECRET_HEADER)
                                            .asString())
                                    .isEqualTo(SECRET);
                            assertThat(w.path("actions"))
                                    .extracting(JsonNode::asString)
                                    .containsExactlyInAnyOrderElementsOf(ReviewProject.ACTIONS);
                        }));
        String upload = id();
        labelStudio.annotate(importedTask(upload), "Egg");
        await().atMost(Duration.ofSeconds(10)).until(() -> annotationsOf(upload).size() == 1);
    }

    @Test
    @Order(21)
    void aWebhookIsCheckedForItsSecretBeforeItsBodyIsReadAndItsSizeIsBounded() throws Exception {
        assertThat(postWebhook("wrong", "not json at all").statusCode()).isEqualTo(401);
        assertThat(postWebhook(SECRET, "x".repeat(70_000)).statusCode()).isEqualTo(413);
        HttpResponse<String> malformed = postWebhook(SECRET, "not json at all");
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(malformed.headers().firstValue("Content-Type").orElse("")).contains("application/problem+json");
    }

    @Test
    @Order(22)
    void annotationsWithALabelOutsideTheModelsOrWithoutAReceiptAreDeadLetteredNotPublished() throws Exception {
        String upload = id();
        labelStudio.annotate(importedTask(upload), "Pizza"); // not a Food-11 class
        String stranger = "stranger-" + id();
        assertThat(postWebhook(
                                SECRET,
                                "{\"action\":\"ANNOTATION_CREATED\",\"project\":{\"id\":1},"
                                        + "\"task\":{\"id\":987654,\"data\":{\"uploadId\":\"" + stranger + "\"}},"
                                        + "\"annotation\":{\"id\":987655,\"result\":[{\"value\":{\"choices\":[\"Rice\"]}}]}}")
                        .statusCode())
                .isEqualTo(200);

        // The stranger's annotation is held for its receipt first (3 reconciliation intervals).
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(deadLetters())
                        .anySatisfy(d -> {
                            assertThat(d.key()).isEqualTo(upload);
                            assertThat(d.errorMessage()).contains("Pizza");
                        })
                        .anySatisfy(d -> {
                            assertThat(d.key()).isEqualTo(stranger);
                            assertThat(d.errorMessage()).contains("no receipt");
                        }));
        assertThat(annotationsOf(upload)).isEmpty();
        assertThat(annotationsOf(stranger)).isEmpty();
    }

    @Test
    @Order(23)
    void aSecondReplicaStartsPastACorruptReceiptServesEveryImageAndNeitherImportsATaskTwice() throws Exception {
        publishRaw(Topics.LABELING_RECEIPTS.name(), "corrupt-receipt", new byte[] {'{', 0x01});
        int portB;
        try (ServerSocket socket = new ServerSocket(0)) {
            portB = socket.getLocalPort();
        }
        List<String> uploads = List.of(id(), id(), id(), id(), id(), id());
        try (ConfigurableApplicationContext replicaB = new SpringApplicationBuilder(LabelingSinkApplication.class)
                .run(replicaProperties(portB).entrySet().stream()
                        .map(e -> "--" + e.getKey() + "=" + e.getValue())
                        .toArray(String[]::new))) {
            assertThat(replicaB.getBean(MeterRegistry.class)
                            .get("gourmetgram.labeling.replay.skipped")
                            .tag("topic", Topics.LABELING_RECEIPTS.name())
                            .counter()
                            .count())
                    .isEqualTo(1);
            for (String upload : uploads) {
                publish(request(upload, 1, RequestState.OPEN, null));
            }
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> uploads.stream()
                            .allMatch(u -> labelStudio.tasksOf(u).size() == 1));
            for (String upload : uploads) {
                String link = labelStudio
                        .tasksOf(upload)
                        .getFirst()
                        .path("data")
                        .path("image")
                        .asString();
                for (int replicaPort : new int[] {port, portB}) {
                    String onReplica = link.replace(":" + port + "/", ":" + replicaPort + "/");
                    assertThat(http.send(
                                            HttpRequest.newBuilder(URI.create(onReplica))
                                                    .build(),
                                            HttpResponse.BodyHandlers.discarding())
                                    .statusCode())
                            .as(onReplica)
                            .isEqualTo(302);
                }
            }
        }
        // Replica B is gone: its partitions come back to this one, which must know B's receipts.
        for (String upload : uploads) {
            publish(request(upload, 2, RequestState.OPEN, "Rice"));
        }
        awaitOneTaskAtRevision(uploads, 2);
    }

    @Test
    @Order(24)
    void theStageExposesItsKafkaClientAndLabelingMetrics() throws Exception {
        String metrics = http.send(
                        HttpRequest.newBuilder(
                                        URI.create("http://127.0.0.1:" + managementPort + "/actuator/prometheus"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();

        assertThat(metrics)
                .contains(
                        "gourmetgram_labeling_tasks_pushed_total",
                        "gourmetgram_labeling_labelstudio_calls_seconds_count",
                        "gourmetgram_labeling_labelstudio_errors_total",
                        "gourmetgram_labeling_webhooks_received_total",
                        "gourmetgram_labeling_webhooks_rejected_total",
                        "gourmetgram_labeling_dead_letters_total",
                        "kafka_consumer_fetch_manager_records_lag",
                        "kafka_producer_record_send_total");
    }

    @Test
    @Order(24)
    void healthDetailsNeedTheManagementTokenAndTheActuatorIsOnlyOnTheManagementPort() throws Exception {
        HttpResponse<String> anonymous = management("/actuator/health", null);
        HttpResponse<String> wrongToken = management("/actuator/health", "x".repeat(40));

        assertThat(anonymous.statusCode()).isEqualTo(200);
        assertThat(anonymous.body()).contains("\"UP\"").doesNotContain("labelingSink", "components");
        assertThat(wrongToken.body()).doesNotContain("labelingSink");
        assertThat(health()).contains("labelingSink", "project");
        assertThat(management("/actuator/health/liveness", null).statusCode()).isEqualTo(200);
        assertThat(management("/actuator/health/readiness", null).statusCode()).isEqualTo(200);
        assertThat(http.send(
                                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .statusCode())
                .isEqualTo(404);
    }

    @Test
    @Order(25)
    void aListingReadBeforeAnUpdateOrADeletionNeitherRevertsTheLabelNorRevivesTheAnnotation() throws Exception {
        String updated = id();
        String deleted = id();
        long updatedTask = importedTask(updated);
        long deletedTask = importedTask(deleted);
        long first = labelStudio.annotate(updatedTask, "Rice");
        long second = labelStudio.annotate(deletedTask, "Soup");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> annotationsOf(updated).size() == 1
                        && annotationsOf(deleted).size() == 1);
        labelStudio.slowTaskListing(Duration.ofMillis(700)); // under the 1 s client timeout
        try {
            int listings = labelStudio.taskListings();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> labelStudio.taskListings() > listings); // a snapshot is taken
            labelStudio.updateAnnotation(updatedTask, first, "Egg"); // both delivered while the listing is on its way
            labelStudio.deleteAnnotation(deletedTask, second);

            await().during(Duration.ofSeconds(3))
                    .atMost(Duration.ofSeconds(8))
                    .until(() -> annotationsOf(updated).size() == 2
                            && annotationsOf(deleted).size() == 2);
        } finally {
            labelStudio.slowTaskListing(Duration.ZERO);
        }
        assertThat(annotationsOf(updated)).extracting(Annotation::label).containsExactly("Rice", "Egg");
        assertThat(annotationsOf(deleted))
                .extracting(Annotation::action)
                .containsExactly(AnnotationAction.CREATED, AnnotationAction.DELETED);
    }

    @Test
    @Order(30)
    void aDeletedProjectIsFoundMissingAndReCreatedAndItsLabelsRetracted() throws Exception {
        String labelled = id();
        labelStudio.annotate(importedTask(labelled), "Rice");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> annotationsOf(labelled).size() == 1);
        long old = labelStudio.projects().getFirst().path("id").asLong();

        labelStudio.deleteProject(old);
        String next = id();
        publish(request(next, 1, RequestState.OPEN, null));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(labelStudio.projects()).singleElement().satisfies(p -> {
                assertThat(p.path("title").asString()).isEqualTo(TITLE);
                assertThat(p.path("id").asLong()).isNotEqualTo(old);
            });
            assertThat(labelStudio.tasksOf(next))
                    .singleElement()
                    .satisfies(t -> assertThat(t.path("project").asLong())
                            .isEqualTo(
                                    labelStudio.projects().getFirst().path("id").asLong()));
            assertThat(labelStudio.webhooks()).hasSize(1);
            assertThat(annotationsOf(labelled))
                    .extracting(Annotation::action)
                    .containsExactly(AnnotationAction.CREATED, AnnotationAction.DELETED);
        });
    }

    private long importedTask(String upload) throws Exception {
        publish(request(upload, 1, RequestState.OPEN, null));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> labelStudio.tasksOf(upload).size() == 1);
        return labelStudio.tasksOf(upload).getFirst().path("id").asLong();
    }

    private void awaitOneTaskEach(List<String> uploads) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            for (String upload : uploads) {
                assertThat(labelStudio.tasksOf(upload)).as(upload).hasSize(1);
            }
        });
    }

    private void awaitOneTaskAtRevision(List<String> uploads, int revision) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            for (String upload : uploads) {
                assertThat(labelStudio.tasksOf(upload))
                        .as(upload)
                        .singleElement()
                        .satisfies(
                                t -> assertThat(t.path("data").path("revision").asInt())
                                        .isEqualTo(revision));
            }
        });
    }

    /** The sink keeps retrying with back-off; nothing can be imported meanwhile. */
    private void assertNothingImportedFor(List<String> uploads) {
        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(5))
                .until(() ->
                        uploads.stream().allMatch(u -> labelStudio.tasksOf(u).isEmpty()));
    }

    private Map<String, Object> replicaProperties(int replicaPort) {
        Map<String, Object> p = new java.util.HashMap<>();
        p.put("server.port", replicaPort);
        p.put("spring.kafka.bootstrap-servers", broker.getBrokersAsString());
        p.put("gourmetgram.labeling.label-studio-url", labelStudio.url());
        p.put("gourmetgram.labeling.label-studio-api-key", FakeLabelStudio.PERSONAL_ACCESS_TOKEN);
        p.put("gourmetgram.labeling.webhook-secret", SECRET);
        p.put(
                "gourmetgram.labeling.public-url",
                "http://127.0.0.1:" + port); // one public URL in front of both replicas
        p.put("gourmetgram.labeling.image-link-secret", "image-link-secret-for-tests");
        p.put("gourmetgram.labeling.project-title", TITLE);
        p.put("gourmetgram.labeling.reconcile-interval", "1s");
        p.put("gourmetgram.labeling.backoff-min", "200ms");
        p.put("gourmetgram.labeling.backoff-max", "1s");
        p.put("gourmetgram.labeling.timeout", "1s");
        p.put("gourmetgram.labeling.s3.endpoint", s3.endpoint());
        p.put("gourmetgram.labeling.s3.access-key", S3TestServer.ACCESS_KEY);
        p.put("gourmetgram.labeling.s3.secret-key", S3TestServer.SECRET_KEY);
        return p;
    }

    private HttpResponse<String> postWebhook(String secret, String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + WebhookController.PATH))
                        .header("Content-Type", "application/json")
                        .header(WebhookController.SECRET_HEADER, secret)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private String health() throws Exception {
        return management("/actuator/health", MANAGEMENT_TOKEN).body();
    }

    private HttpResponse<String> management(String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + path));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private List<Annotation> annotationsOf(String upload) {
        return readAll(Topics.ANNOTATIONS).stream()
                .filter(a -> a.uploadId().equals(upload))
                .toList();
    }

    private LabelingReceipt receiptOf(String upload) {
        return readAll(Topics.LABELING_RECEIPTS).stream()
                .filter(r -> r.uploadId().equals(upload))
                .findFirst()
                .orElse(null);
    }

    private List<DeadLetter> deadLetters() {
        return readAll(Topics.LABELING_DEAD_LETTER);
    }

    /** Every readable record of the topic, from its beginning to its current end. */
    private <V> List<V> readAll(TopicSpec<V> topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString()),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<V> values = new ArrayList<>();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    try {
                        V v = topic.valueSerde().deserialize(r.topic(), r.value());
                        if (v != null) {
                            values.add(v);
                        }
                    } catch (RuntimeException e) {
                        // a corrupt record written by a test
                    }
                });
            }
            return values;
        }
    }

    private int publishRaw(String topic, String key, byte[] value) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", broker.getBrokersAsString()),
                new StringSerializer(),
                new ByteArraySerializer())) {
            return producer.send(new ProducerRecord<>(topic, key, value)).get().partition();
        }
    }

    /** @return the partition the request went to */
    private int publish(LabelingRequest request) throws Exception {
        return publishRaw(
                Topics.LABELING_REQUESTS.name(),
                request.uploadId(),
                Topics.LABELING_REQUESTS.valueSerde().serialize("t", request));
    }

    private static LabelingRequest request(String upload, int revision, RequestState state, String correction) {
        Prediction prediction = TestEvents.prediction(upload)
                .object(new ObjectRef("production", upload + ".jpg"))
                .confidence(0.55)
                .scoredAt(Instant.now())
                .build();
        ReviewReason[] reasons = correction == null
                ? new ReviewReason[] {ReviewReason.LOW_CONFIDENCE}
                : new ReviewReason[] {ReviewReason.LOW_CONFIDENCE, ReviewReason.CORRECTED};
        return TestEvents.labelingRequest(upload)
                .revision(revision)
                .state(state)
                .reasons(reasons)
                .prediction(prediction)
                .userCorrection(correction)
                .at(Instant.now())
                .build();
    }

    private static String id() {
        return UUID.randomUUID().toString();
    }
}
