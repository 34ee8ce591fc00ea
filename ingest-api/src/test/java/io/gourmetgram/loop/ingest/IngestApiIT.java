package io.gourmetgram.loop.ingest;

import static io.gourmetgram.loop.ingest.ApiClient.assertProblem;
import static io.gourmetgram.loop.ingest.ApiClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gourmetgram.loop.events.DeadLetter;
import io.gourmetgram.loop.events.Feedback;
import io.gourmetgram.loop.events.FeedbackKind;
import io.gourmetgram.loop.events.Food11;
import io.gourmetgram.loop.events.ObjectRef;
import io.gourmetgram.loop.events.Prediction;
import io.gourmetgram.loop.events.Upload;
import io.gourmetgram.loop.events.testing.EventSchemas;
import io.gourmetgram.loop.events.testing.S3TestServer;
import io.gourmetgram.loop.events.testing.TestEvents;
import io.gourmetgram.loop.events.topics.Topics;
import io.gourmetgram.loop.ingest.image.SamplePhotos;
import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * ingest-api over real HTTP against a real KRaft broker and a real S3 server: uploads, bad inputs,
 * the prediction coming back (wait and server-sent events), feedback, and errors as problem JSON.
 * The test that stops the S3 server runs last.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}",
            "gourmetgram.ingest.upload.max-bytes=1MB",
            "gourmetgram.ingest.kafka.delivery-timeout=5s",
            "gourmetgram.ingest.s3.timeout=2s",
            "gourmetgram.management.token=" + IngestApiIT.MANAGEMENT_TOKEN
        })
@EmbeddedKafka(
        partitions = 1,
        brokerProperties = {"transaction.state.log.replication.factor=1", "transaction.state.log.min.isr=1"})
@DirtiesContext
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class IngestApiIT {

    static final String MANAGEMENT_TOKEN = "test-management-token-0123456789abcdef";
    private static final S3TestServer S3 = S3TestServer.start();
    private static final String BUCKET = "production";

    @DynamicPropertySource
    static void objectStore(DynamicPropertyRegistry registry) {
        ObjectStoreSettings.register(registry, S3);
    }

    @AfterAll
    static void stopObjectStore() throws Exception {
        S3.close();
    }

    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    @Value("${spring.embedded.kafka.brokers}")
    String brokers;

    ApiClient api;
    BrokerTopics topics;
    MinioClient s3 = MinioClient.builder()
            .endpoint(S3.endpoint())
            .credentials(S3TestServer.ACCESS_KEY, S3TestServer.SECRET_KEY)
            .build();

    @BeforeEach
    void connect() {
        api = new ApiClient(port);
        topics = new BrokerTopics(brokers);
    }

    // --- uploads -------------------------------------------------------------------------------

    @Test
    void aPhotoUploadedAsAFormIsStoredAndAnnouncedOnce() throws Exception {
        Path photo = SamplePhotos.smallSharedJpeg();
        byte[] bytes = SamplePhotos.bytes(photo);

        HttpResponse<String> response =
                api.postMultipart("/api/uploads", "file", photo.getFileName().toString(), "image/jpeg", bytes);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        JsonNode receipt = json(response);
        String id = receipt.get("uploadId").asString();
        assertThat(receipt.get("statusUrl").asString()).isEqualTo("/api/uploads/" + id);
        assertThat(receipt.get("eventsUrl").asString()).isEqualTo("/api/uploads/" + id + "/events");
        assertThat(response.headers().firstValue("Location")).contains("/api/uploads/" + id);
        assertThat(response.headers().firstValue("Cache-Control"))
                .hasValueSatisfying(v -> assertThat(v).contains("no-store"));
        assertStoredAndAnnouncedOnce(id, bytes, receipt.get("feedbackToken").asString());
    }

    @Test
    void aPhotoSentAsTheRawBodyIsTypedByItsBytesNotItsDeclaredType() throws Exception {
        byte[] bytes = SamplePhotos.bytes(SamplePhotos.smallSharedJpeg());

        HttpResponse<String> response = api.postRaw("/api/uploads", "image/png", bytes);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        JsonNode receipt = json(response);
        Upload upload = assertStoredAndAnnouncedOnce(
                receipt.get("uploadId").asString(),
                bytes,
                receipt.get("feedbackToken").asString());
        assertThat(upload.contentType()).isEqualTo("image/jpeg");
    }

    @Test
    void pngAndWebpPhotosAreStoredUnderTheirOwnTypeAndExtension() {
        for (var photo : Map.of("png", SamplePhotos.png(320, 240), "webp", SamplePhotos.webpLosslessHeader(320, 240))
                .entrySet()) {
            HttpResponse<String> response = api.postRaw("/api/uploads", "application/octet-stream", photo.getValue());

            assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
            String id = json(response).get("uploadId").asString();
            Upload upload = topics.values(Topics.UPLOADS, id).getFirst();
            assertThat(upload.contentType()).isEqualTo("image/" + photo.getKey());
            assertThat(upload.object().key()).endsWith(id + "." + photo.getKey());
            assertThat(List.of(upload.width(), upload.height())).containsExactly(320, 240);
        }
    }

    @Test
    void curlsDefaultContentTypeForDataBinaryIsFineToo() {
        // curl --data-binary @photo.jpg sends application/x-www-form-urlencoded unless told otherwise.
        HttpResponse<String> response = api.postRaw(
                "/api/uploads",
                "application/x-www-form-urlencoded",
                SamplePhotos.bytes(SamplePhotos.smallSharedJpeg()));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    }

    @Test
    void theUploaderCanSeeTheirUploadAtOnce() {
        String id = upload().get("uploadId").asString();

        HttpResponse<String> response = api.get("/api/uploads/" + id);

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode status = json(response);
        assertThat(status.get("state").asString()).isEqualTo("awaiting_prediction");
        assertThat(status.get("upload").get("contentType").asString()).isEqualTo("image/jpeg");
        assertThat(Instant.parse(status.get("upload").get("uploadedAt").asString()))
                .isBefore(Instant.now());
        assertThat(response.body()).as("the token hash stays on the server").doesNotContain("feedbackToken");
    }

    @Test
    void textDressedUpAsAJpegIsRefusedAsUnsupported() {
        assertRefusedWithoutTrace(
                () -> api.postMultipart(
                        "/api/uploads",
                        "file",
                        "photo.jpg",
                        "image/jpeg",
                        "definitely not a photo".getBytes(StandardCharsets.UTF_8)),
                415,
                "not a JPEG, PNG or WebP");
    }

    @Test
    void aBodyOverTheSizeLimitIsRefused() {
        byte[] tooBig = new byte[1024 * 1024 + 1];
        System.arraycopy(SamplePhotos.bytes(SamplePhotos.smallSharedJpeg()), 0, tooBig, 0, 1024);

        JsonNode problem = assertRefusedWithoutTrace(
                () -> api.postRaw("/api/uploads", "image/jpeg", tooBig), 413, "larger than the limit");
        assertThat(problem.get("maxBytes").asLong()).isEqualTo(1024 * 1024);
        // Without a Content-Length (chunked), the limit is enforced while reading.
        assertRefusedWithoutTrace(
                () -> api.send(HttpRequest.newBuilder(api.uri("/api/uploads"))
                        .header("Content-Type", "image/jpeg")
                        .POST(HttpRequest.BodyPublishers.ofInputStream(
                                () -> new java.io.ByteArrayInputStream(tooBig)))),
                413,
                "larger than the limit");
    }

    @Test
    void aFormOverTheContainersMultipartLimitIsRefusedAsProblemJson() {
        byte[] tooBig = new byte[1024 * 1024 + 200 * 1024];

        assertRefusedWithoutTrace(
                () -> api.postMultipart("/api/uploads", "file", "big.jpg", "image/jpeg", tooBig), 413, "larger than");
    }

    @Test
    void aFormThatIsNotValidMultipartIsABadRequest() {
        assertRefusedWithoutTrace(
                () -> api.postRaw("/api/uploads", "multipart/form-data", "garbage".getBytes()),
                400,
                "multipart form could not be read");
    }

    @Test
    void aHeaderClaimingTooManyPixelsIsRefusedBeforeDecoding() {
        JsonNode problem = assertRefusedWithoutTrace(
                () -> api.postRaw("/api/uploads", "image/png", SamplePhotos.pngHeaderClaiming(10_000, 10_000)),
                422,
                "10000 x 10000");
        assertThat(problem.get("maxPixels").asLong()).isEqualTo(40_000_000);
    }

    @Test
    void aTruncatedHeaderIsRefusedAsUnreadable() {
        byte[] truncated = java.util.Arrays.copyOf(SamplePhotos.pngHeaderClaiming(100, 100), 12);

        assertRefusedWithoutTrace(
                () -> api.postRaw("/api/uploads", "image/png", truncated), 422, "header cannot be read");
    }

    @Test
    void anEmptyBodyIsRefusedWithHowToSendAPhoto() {
        assertRefusedWithoutTrace(
                () -> api.postRaw("/api/uploads", "image/jpeg", new byte[0]), 400, "curl -F file=@photo.jpg");
    }

    @Test
    void aFormWithoutTheFileFieldIsRefusedNamingTheField() {
        assertRefusedWithoutTrace(
                () -> api.postMultipart(
                        "/api/uploads",
                        "photo",
                        "a.jpg",
                        "image/jpeg",
                        SamplePhotos.bytes(SamplePhotos.smallSharedJpeg())),
                400,
                "'file'");
    }

    // --- predictions back to the uploader ------------------------------------------------------

    @Test
    void waitingReturnsThePredictionPublishedWhileTheRequestWaits() {
        String id = upload().get("uploadId").asString();

        CompletableFuture<HttpResponse<String>> waiting = api.http()
                .sendAsync(
                        HttpRequest.newBuilder(api.uri("/api/uploads/" + id + "?wait=20s"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        topics.publish(Topics.PREDICTIONS, id, prediction(id, "Soup"));

        HttpResponse<String> response = waiting.orTimeout(30, TimeUnit.SECONDS).join();
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode status = json(response);
        assertThat(status.get("state").asString()).isEqualTo("predicted");
        assertThat(status.get("prediction").get("label").asString()).isEqualTo("Soup");
        assertThat(status.get("prediction").get("confidence").asDouble()).isEqualTo(0.82);
    }

    @Test
    void waitingWithoutAPredictionEndsWithTheUploadStillAwaitingIt() {
        String id = upload().get("uploadId").asString();

        HttpResponse<String> response = api.get("/api/uploads/" + id + "?wait=300ms");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response).get("state").asString()).isEqualTo("awaiting_prediction");
    }

    @Test
    void aNonsenseWaitIsABadRequest() {
        String id = upload().get("uploadId").asString();

        JsonNode problem = assertProblem(api.get("/api/uploads/" + id + "?wait=forever"), 400);
        assertThat(problem.get("detail").asString()).contains("wait=5s");
    }

    @Test
    void anUnknownUploadIsNotFound() {
        JsonNode problem = assertProblem(api.get("/api/uploads/no-such-upload"), 404);
        assertThat(problem.get("uploadId").asString()).isEqualTo("no-such-upload");
        assertProblem(
                api.send(HttpRequest.newBuilder(api.uri("/api/uploads/no-such-upload/events"))
                        .header("Accept", "text/event-stream")
                        .GET()),
                404);
    }

    @Test
    void theEventStreamPushesThePredictionAsSoonAsItExists() {
        String id = upload().get("uploadId").asString();
        List<String> lines = new CopyOnWriteArrayList<>();
        CompletableFuture<HttpResponse<Stream<String>>> stream = api.http()
                .sendAsync(
                        HttpRequest.newBuilder(api.uri("/api/uploads/" + id + "/events"))
                                .header("Accept", "text/event-stream")
                                .build(),
                        HttpResponse.BodyHandlers.ofLines());
        CompletableFuture<Void> reading =
                stream.thenAccept(response -> response.body().forEach(lines::add));
        await().atMost(Duration.ofSeconds(10)).until(() -> lines.contains("event:upload"));

        topics.publish(Topics.PREDICTIONS, id, prediction(id, "Rice"));

        reading.orTimeout(30, TimeUnit.SECONDS).join(); // the stream ends after the prediction
        assertThat(lines).contains("event:prediction");
        assertThat(lines.stream().filter(l -> l.startsWith("data:") && l.contains("\"predicted\"")))
                .singleElement()
                .asString()
                .contains("\"label\":\"Rice\"");
    }

    @Test
    void aRecordTheViewCannotReadIsDeadLetteredAndTheViewCarriesOn() {
        String id = upload().get("uploadId").asString();
        topics.publishRaw(Topics.PREDICTIONS.name(), id, "{not json".getBytes(StandardCharsets.UTF_8));
        topics.publish(Topics.PREDICTIONS, id, prediction(id, "Egg"));

        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(
                                json(api.get("/api/uploads/" + id)).get("state").asString())
                        .isEqualTo("predicted"));
        List<DeadLetter> letters = topics.values(Topics.INGEST_API_DEAD_LETTER, id);
        assertThat(letters).singleElement().satisfies(letter -> {
            assertThat(letter.stage()).isEqualTo("ingest-api");
            assertThat(letter.sourceTopic()).isEqualTo("predictions");
            assertThat(letter.payloadText()).isEqualTo("{not json");
            assertThat(letter.errorMessage()).contains("Prediction");
        });
    }

    // --- feedback ------------------------------------------------------------------------------

    @Test
    void theUploaderCanFlagAndCorrectRepeatedly() {
        JsonNode receipt = upload();
        String id = receipt.get("uploadId").asString();
        Map<String, String> token =
                Map.of("X-Feedback-Token", receipt.get("feedbackToken").asString());

        HttpResponse<String> flag = api.postJson("/api/uploads/" + id + "/flag", token, "");
        HttpResponse<String> first =
                api.postJson("/api/uploads/" + id + "/correction", token, "{\"label\": \"Noodles/Pasta\"}");
        HttpResponse<String> second =
                api.postJson("/api/uploads/" + id + "/correction", token, "{\"label\": \"Soup\"}");

        assertThat(List.of(flag.statusCode(), first.statusCode(), second.statusCode()))
                .containsOnly(202);
        assertThat(json(second).get("correctedLabel").asString()).isEqualTo("Soup");
        List<ConsumerRecord<String, byte[]>> records = topics.all(Topics.FEEDBACK).stream()
                .filter(r -> id.equals(r.key()))
                .toList();
        assertThat(records)
                .allSatisfy(r -> assertThat(EventSchemas.violationsOfJson(
                                Topics.FEEDBACK.schemaResource(), new String(r.value(), StandardCharsets.UTF_8)))
                        .isEmpty());
        List<Feedback> feedback = topics.values(Topics.FEEDBACK, id);
        assertThat(feedback)
                .extracting(Feedback::kind)
                .containsExactly(FeedbackKind.FLAG, FeedbackKind.CORRECTION, FeedbackKind.CORRECTION);
        assertThat(feedback).extracting(Feedback::correctedLabel).containsExactly(null, "Noodles/Pasta", "Soup");
        assertThat(feedback.getFirst().client().userAgent()).isEqualTo("ingest-api-test");
        assertThat(feedback.getFirst().client().remoteAddress()).isEqualTo("127.0.0.1");
    }

    @Test
    void theUploaderCanConfirmAPredictionAndACorrectionRecordsHowTheClassWasPicked() {
        JsonNode receipt = upload();
        String id = receipt.get("uploadId").asString();
        Map<String, String> token =
                Map.of("X-Feedback-Token", receipt.get("feedbackToken").asString());

        HttpResponse<String> confirm = api.postJson("/api/uploads/" + id + "/confirm", token, "");
        HttpResponse<String> corrected = api.postJson(
                "/api/uploads/" + id + "/correction",
                token,
                "{\"label\": \"Rice\", \"picker\": {\"inputMethod\": \"shuffled_list\", \"labelsShown\": [\"Soup\", \"Rice\", \"Egg\"]}}");

        assertThat(List.of(confirm.statusCode(), corrected.statusCode())).containsOnly(202);
        assertThat(json(confirm).get("kind").asString()).isEqualTo("confirmation");
        List<ConsumerRecord<String, byte[]>> records = topics.all(Topics.FEEDBACK).stream()
                .filter(r -> id.equals(r.key()))
                .toList();
        assertThat(records)
                .hasSize(2)
                .allSatisfy(r -> assertThat(EventSchemas.violationsOfJson(
                                Topics.FEEDBACK.schemaResource(), new String(r.value(), StandardCharsets.UTF_8)))
                        .isEmpty());
        List<Feedback> feedback = topics.values(Topics.FEEDBACK, id);
        assertThat(feedback)
                .extracting(Feedback::kind)
                .containsExactly(FeedbackKind.CONFIRMATION, FeedbackKind.CORRECTION);
        assertThat(feedback.getFirst().correctedLabel()).isNull();
        assertThat(feedback.getLast().picker().inputMethod()).isEqualTo("shuffled_list");
        assertThat(feedback.getLast().picker().positionOf("Rice")).isEqualTo(1);
    }

    @Test
    void confirmingNeedsTheUploadersTokenAndAPickerListsOnlyKnownClasses() {
        JsonNode receipt = upload();
        String id = receipt.get("uploadId").asString();
        Map<String, String> token =
                Map.of("X-Feedback-Token", receipt.get("feedbackToken").asString());

        assertProblem(api.postJson("/api/uploads/" + id + "/confirm", Map.of(), ""), 403);
        assertProblem(api.postJson("/api/uploads/nobody/confirm", token, ""), 404);
        assertProblem(
                api.postJson(
                        "/api/uploads/" + id + "/correction",
                        token,
                        "{\"label\": \"Rice\", \"picker\": {\"inputMethod\": \"shuffled_list\", \"labelsShown\": [\"Pizza\"]}}"),
                422);
        assertThat(assertProblem(
                                api.postJson(
                                        "/api/uploads/" + id + "/correction",
                                        token,
                                        "{\"label\": \"Rice\", \"picker\": \"top\"}"),
                                400)
                        .get("detail")
                        .asString())
                .contains("picker");
        assertThat(topics.values(Topics.FEEDBACK, id)).isEmpty();
    }

    @Test
    void feedbackWithoutTheRightTokenIsForbidden() {
        JsonNode other = upload();
        String id = upload().get("uploadId").asString();
        String body = "{\"label\": \"Soup\"}";

        JsonNode missing = assertProblem(api.postJson("/api/uploads/" + id + "/correction", Map.of(), body), 403);
        JsonNode wrong = assertProblem(
                api.postJson(
                        "/api/uploads/" + id + "/flag",
                        Map.of("X-Feedback-Token", other.get("feedbackToken").asString()),
                        ""),
                403);

        assertThat(missing.get("detail").asString()).contains("X-Feedback-Token");
        assertThat(wrong.get("detail").asString()).contains("does not match");
        assertThat(topics.values(Topics.FEEDBACK, id)).isEmpty();
    }

    @Test
    void feedbackOnAnUnknownUploadIsNotFound() {
        assertProblem(api.postJson("/api/uploads/nobody/flag", Map.of("X-Feedback-Token", "x"), ""), 404);
    }

    @Test
    void aCorrectionToALabelTheModelDoesNotKnowNamesTheValidOnes() {
        JsonNode receipt = upload();
        String id = receipt.get("uploadId").asString();

        JsonNode problem = assertProblem(
                api.postJson(
                        "/api/uploads/" + id + "/correction",
                        Map.of("X-Feedback-Token", receipt.get("feedbackToken").asString()),
                        "{\"label\": \"Pizza\"}"),
                422);

        assertThat(problem.get("detail").asString()).contains("\"Pizza\"", "Bread", "Vegetable/Fruit");
        assertThat(problem.get("validLabels").values())
                .extracting(JsonNode::asString)
                .containsExactlyElementsOf(Food11.LABELS);
        assertThat(topics.values(Topics.FEEDBACK, id)).isEmpty();
    }

    @Test
    void malformedOrOverlongFeedbackIsABadRequest() {
        JsonNode receipt = upload();
        String path = "/api/uploads/" + receipt.get("uploadId").asString();
        Map<String, String> token =
                Map.of("X-Feedback-Token", receipt.get("feedbackToken").asString());

        assertThat(assertProblem(api.postJson(path + "/correction", token, "{\"label\": "), 400)
                        .get("detail")
                        .asString())
                .contains("not valid JSON");
        assertThat(assertProblem(api.postJson(path + "/correction", token, "{}"), 400)
                        .get("detail")
                        .asString())
                .contains("needs a \"label\"");
        assertThat(assertProblem(api.postJson(path + "/correction", token, "[\"Soup\"]"), 400)
                        .get("detail")
                        .asString())
                .contains("JSON object");
        assertThat(assertProblem(api.postJson(path + "/flag", token, "{\"note\": \"" + "x".repeat(2000) + "\"}"), 400)
                        .get("detail")
                        .asString())
                .contains("longer than 1024 bytes");
    }

    @Test
    void feedbackBeyondTheLimitPerUploadIsTooManyRequestsWithWhenToRetry() {
        JsonNode receipt = upload();
        String id = receipt.get("uploadId").asString();
        Map<String, String> token =
                Map.of("X-Feedback-Token", receipt.get("feedbackToken").asString());
        for (int i = 0; i < 10; i++) {
            assertThat(api.postJson("/api/uploads/" + id + "/flag", token, "").statusCode())
                    .isEqualTo(202);
        }

        HttpResponse<String> refused = api.postJson("/api/uploads/" + id + "/flag", token, "");

        JsonNode problem = assertProblem(refused, 429);
        assertThat(problem.get("type").asString()).endsWith("/feedback-rate-limited");
        assertThat(problem.get("limit").asInt()).isEqualTo(10);
        assertThat(refused.headers().firstValue("Retry-After"))
                .hasValueSatisfying(
                        seconds -> assertThat(Long.parseLong(seconds)).isBetween(1L, 60L));
        assertThat(topics.values(Topics.FEEDBACK, id)).hasSize(10);
    }

    @Test
    void theLabelsForTheDropdownAreTheModels() {
        HttpResponse<String> response = api.get("/api/labels");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response).get("labels").values())
                .extracting(JsonNode::asString)
                .containsExactlyElementsOf(Food11.LABELS);
    }

    // --- the page and the error surface --------------------------------------------------------

    @Test
    void theWebPageIsServedAtTheRoot() {
        HttpResponse<String> page = api.get("/");

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("GourmetGram", "app.js");
        assertThat(api.get("/app.js").body()).contains("textContent").doesNotContain("innerHTML =");
    }

    @Test
    void unknownRoutesAndMethodsAreProblemJson() {
        assertThat(assertProblem(api.get("/no/such/page"), 404).get("detail").asString())
                .contains("/no/such/page");
        assertProblem(api.send(HttpRequest.newBuilder(api.uri("/api/uploads")).DELETE()), 405);
        assertProblem(
                api.send(HttpRequest.newBuilder(api.uri("/api/uploads/x"))
                        .header("Accept", "text/html")
                        .GET()),
                404);
    }

    @Test
    void healthAndMetricsAreOnTheManagementPortOnly() {
        upload();
        ApiClient management = new ApiClient(managementPort);

        HttpResponse<String> anonymous = management.get("/actuator/health");
        HttpResponse<String> operator = management.send(HttpRequest.newBuilder(management.uri("/actuator/health"))
                .header("Authorization", "Bearer " + MANAGEMENT_TOKEN));

        assertThat(anonymous.body()).contains("\"UP\"").doesNotContain("uploadViewFeed", "components");
        assertThat(operator.body()).contains("\"UP\"", "uploadViewFeed", "entries");
        assertThat(management.get("/actuator/health/liveness").body()).contains("\"UP\"");
        assertThat(management.get("/actuator/prometheus").body())
                .contains(
                        "gourmetgram_ingest_uploads_accepted_total",
                        "gourmetgram_ingest_view_entries",
                        "gourmetgram_ingest_uploads_store_seconds",
                        "gourmetgram_ingest_uploads_in_flight_bytes");
        assertProblem(api.get("/actuator/health"), 404);
        assertProblem(api.get("/actuator/prometheus"), 404);
    }

    @Test
    void thePageAndTheApiCarryBrowserProtections() {
        for (HttpResponse<String> response :
                List.of(api.get("/"), api.get("/app.js"), api.get("/api/labels"), api.get("/no/such/page"))) {
            assertThat(response.headers().firstValue("Content-Security-Policy"))
                    .hasValueSatisfying(csp -> assertThat(csp)
                            .contains("default-src 'self'", "frame-ancestors 'none'", "object-src 'none'")
                            .doesNotContain("unsafe-inline", "unsafe-eval"));
            assertThat(response.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
            assertThat(response.headers().firstValue("X-Frame-Options")).contains("DENY");
        }
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void whenTheObjectStoreIsDownTheUploadIsRefusedAndNothingIsAnnounced() throws Exception {
        int before = topics.all(Topics.UPLOADS).size();
        S3.close();

        HttpResponse<String> response = api.postMultipart(
                "/api/uploads", "file", "a.jpg", "image/jpeg", SamplePhotos.bytes(SamplePhotos.smallSharedJpeg()));

        JsonNode problem = assertProblem(response, 503);
        assertThat(problem.get("detail").asString()).contains("could not be stored", "try again");
        assertThat(response.headers().firstValue("Retry-After")).isPresent();
        assertThat(topics.all(Topics.UPLOADS)).hasSize(before);
    }

    // --- helpers -------------------------------------------------------------------------------

    private JsonNode upload() {
        HttpResponse<String> response = api.postMultipart(
                "/api/uploads", "file", "photo.jpg", "image/jpeg", SamplePhotos.bytes(SamplePhotos.smallSharedJpeg()));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return json(response);
    }

    private Upload assertStoredAndAnnouncedOnce(String id, byte[] bytes, String token) throws Exception {
        List<ConsumerRecord<String, byte[]>> records = topics.all(Topics.UPLOADS).stream()
                .filter(r -> id.equals(r.key()))
                .toList();
        assertThat(records).hasSize(1);
        assertThat(EventSchemas.violationsOfJson(
                        Topics.UPLOADS.schemaResource(),
                        new String(records.getFirst().value(), StandardCharsets.UTF_8)))
                .isEmpty();
        Upload upload = Topics.UPLOADS
                .valueSerde()
                .deserialize(Topics.UPLOADS.name(), records.getFirst().value());

        java.awt.image.BufferedImage decoded = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(bytes));
        String day = DateTimeFormatter.ofPattern("yyyy/MM/dd")
                .withZone(ZoneOffset.UTC)
                .format(upload.uploadedAt());
        assertThat(upload.object()).isEqualTo(new ObjectRef(BUCKET, day + "/" + id + ".jpg"));
        assertThat(upload.byteSize()).isEqualTo(bytes.length);
        assertThat(upload.sha256())
                .isEqualTo(HexFormat.of()
                        .formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
        assertThat(upload.width()).isEqualTo(decoded.getWidth());
        assertThat(upload.height()).isEqualTo(decoded.getHeight());
        assertThat(upload.feedbackTokenSha256())
                .isEqualTo(HexFormat.of()
                        .formatHex(
                                MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8))));

        StatObjectResponse stat = s3.statObject(StatObjectArgs.builder()
                .bucket(BUCKET)
                .object(upload.object().key())
                .build());
        assertThat(stat.contentType()).isEqualTo("image/jpeg");
        try (InputStream stored = s3.getObject(GetObjectArgs.builder()
                .bucket(BUCKET)
                .object(upload.object().key())
                .build())) {
            assertThat(stored.readAllBytes()).isEqualTo(bytes);
        }
        return upload;
    }

    /** Asserts the problem and that no Upload event was published for the refused request. */
    private JsonNode assertRefusedWithoutTrace(
            java.util.function.Supplier<HttpResponse<String>> request, int status, String detail) {
        int before = topics.all(Topics.UPLOADS).size();
        JsonNode problem = assertProblem(request.get(), status);
        assertThat(problem.get("detail").asString()).contains(detail);
        assertThat(topics.all(Topics.UPLOADS)).hasSize(before);
        return problem;
    }

    private static Prediction prediction(String id, String label) {
        return TestEvents.prediction(id)
                .object(new ObjectRef(BUCKET, "k"))
                .model("food11-test", "1")
                .label(label)
                .confidence(0.82)
                .scoredAt(Instant.now())
                .build();
    }
}
