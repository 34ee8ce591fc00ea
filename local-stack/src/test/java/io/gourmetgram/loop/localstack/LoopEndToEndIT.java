package io.gourmetgram.loop.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.gourmetgram.loop.events.EventJson;
import io.gourmetgram.loop.events.Food11;
import io.gourmetgram.loop.events.LabelingRequest;
import io.gourmetgram.loop.events.Prediction;
import io.gourmetgram.loop.events.ReviewReason;
import io.gourmetgram.loop.events.ScoredLabel;
import io.gourmetgram.loop.events.testing.SharedFixtures;
import io.gourmetgram.loop.events.topics.TopicSpec;
import io.gourmetgram.loop.events.topics.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The loop as a user meets it: a real KRaft broker and S3 server in this JVM, the stages started
 * from their runnable jars as the local stack starts them, and photos uploaded over HTTP.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LoopEndToEndIT {

    @TempDir
    static Path dataDir;

    private static LoopStack stack;
    private static int ingestPort;
    private static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void startStack() throws Exception {
        Path repo = Path.of(System.getProperty("gourmetgram.repo.dir", "..")).toAbsolutePath();
        ingestPort = Ports.free();
        List<Stage> stages = new ArrayList<>(List.of(
                new Stage("ingest-api", ingestPort, Ports.free()),
                new Stage("inference-processor", Ports.free(), Ports.free())));
        Stage sampling = new Stage("sampling-streams", Ports.free(), Ports.free());
        if (Files.isRegularFile(sampling.jar(repo))) {
            stages.add(sampling);
        }
        int kafkaPort = Ports.free();
        StackConfig config = new StackConfig(
                repo,
                dataDir,
                kafkaPort,
                Ports.free(),
                Ports.free(),
                List.copyOf(stages),
                // The full distribution (top-k = every label) lets the test check that it sums to 1.
                Map.of("INFERENCE_TOP_K", "11"));
        stack = LoopStack.start(config);
    }

    @AfterAll
    static void stopStack() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void everyUploadedPhotoGetsExactlyOnePredictionFromTheModelsLabels() throws Exception {
        Map<String, String> tokens = new HashMap<>();
        for (Path photo : SharedFixtures.food11Photos()) {
            HttpResponse<String> answer = uploadMultipart(
                    Files.readAllBytes(photo), photo.getFileName().toString());
            assertThat(answer.statusCode()).as(photo.getFileName().toString()).isEqualTo(202);
            JsonNode body = EventJson.mapper().readTree(answer.body());
            tokens.put(
                    body.path("uploadId").asString(), body.path("feedbackToken").asString());
        }
        assertThat(tokens).hasSize(27);

        List<Prediction> predictions = readUntil(Topics.PREDICTIONS, 27);
        assertThat(predictions).extracting(Prediction::uploadId).containsExactlyInAnyOrderElementsOf(tokens.keySet());
        for (Prediction p : predictions) {
            assertThat(Food11.LABELS).contains(p.label());
            assertThat(p.topK()).hasSize(11);
            assertThat(p.topK().stream().mapToDouble(ScoredLabel::probability).sum())
                    .isCloseTo(1.0, within(1e-4));
            assertThat(p.confidence()).isEqualTo(p.topK().getFirst().probability());
        }

        String someId = predictions.get(3).uploadId();
        JsonNode status = get("/api/uploads/" + someId + "?wait=5s");
        assertThat(status.path("state").asString()).isEqualTo("predicted");
        assertThat(status.path("prediction").path("label").asString())
                .isEqualTo(predictions.get(3).label());

        HttpResponse<String> bad = uploadMultipart("not a photo".getBytes(StandardCharsets.UTF_8), "fake.jpg");
        assertThat(bad.statusCode()).isEqualTo(415);
        assertThat(bad.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).contains("problem+json"));

        if (stack.stages().stream().anyMatch(s -> s.stage().module().equals("sampling-streams"))) {
            String flagged = predictions.get(0).uploadId();
            String corrected = predictions.get(1).uploadId();
            assertThat(post("/api/uploads/" + flagged + "/flag", tokens.get(flagged), "")
                            .statusCode())
                    .isEqualTo(202);
            assertThat(post("/api/uploads/" + corrected + "/correction", tokens.get(corrected), "{\"label\":\"Soup\"}")
                            .statusCode())
                    .isEqualTo(202);
            Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                Map<String, LabelingRequest> latest = latestRequests();
                assertThat(latest.get(flagged)).isNotNull();
                assertThat(latest.get(flagged).hasReason(ReviewReason.FLAGGED)).isTrue();
                assertThat(latest.get(corrected)).isNotNull();
                assertThat(latest.get(corrected).hasReason(ReviewReason.CORRECTED))
                        .isTrue();
                assertThat(latest.get(corrected).userCorrection()).isEqualTo("Soup");
            });
            // One request per selected upload: its records are revisions 1, 2, … of the same request.
            Map<String, List<Integer>> revisions = new HashMap<>();
            readAll(Topics.LABELING_REQUESTS, Duration.ofSeconds(2))
                    .forEach(r -> revisions
                            .computeIfAbsent(r.uploadId(), id -> new ArrayList<>())
                            .add(r.revision()));
            revisions.forEach((id, seen) -> assertThat(seen)
                    .as(id)
                    .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, seen.size())
                            .boxed()
                            .toList()));
        }
    }

    /**
     * The local stack bounds every stage's heap (StageJvmOptions); inference-processor's must hold the pixels of
     * photos as large as ingest-api accepts (40 MP), decoded at full scale on both decode threads at once.
     */
    @Test
    @Order(2)
    void twoPhotosAtIngestsPixelLimitAreScoredWithinInferencesBoundedHeap() throws Exception {
        assertThat(stack.stage("inference-processor").handle().info().arguments())
                .hasValueSatisfying(args -> assertThat(args).contains("-Xmx512m", "-XX:+UseSerialGC"));
        byte[] fortyMegapixels = LargePhoto.jpeg(8000, 5000);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            HttpResponse<String> answer = uploadMultipart(fortyMegapixels, "large-" + i + ".jpg");
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
            ids.add(EventJson.mapper().readTree(answer.body()).path("uploadId").asString());
        }

        Awaitility.await()
                .atMost(Duration.ofSeconds(90))
                .untilAsserted(() -> assertThat(readAll(Topics.PREDICTIONS, Duration.ofSeconds(1)))
                        .extracting(Prediction::uploadId)
                        .containsAll(ids));
        assertThat(readAll(Topics.INFERENCE_DEAD_LETTER, Duration.ofSeconds(1))).isEmpty();
        assertThat(stack.stage("inference-processor").isAlive()).isTrue();
    }

    private Map<String, LabelingRequest> latestRequests() {
        Map<String, LabelingRequest> latest = new HashMap<>();
        for (LabelingRequest r : readAll(Topics.LABELING_REQUESTS, Duration.ofSeconds(2))) {
            latest.merge(r.uploadId(), r, (a, b) -> b.revision() > a.revision() ? b : a);
        }
        return latest;
    }

    private <V> List<V> readUntil(TopicSpec<V> topic, int count) {
        return new TopicReader(stack.kafkaBootstrap()).readUntil(topic, count);
    }

    private <V> List<V> readAll(TopicSpec<V> topic, Duration quiet) {
        return new TopicReader(stack.kafkaBootstrap()).readAll(topic, quiet);
    }

    private static HttpResponse<String> uploadMultipart(byte[] bytes, String name) throws Exception {
        return PhotoUpload.send(http, URI.create("http://localhost:" + ingestPort + "/api/uploads"), bytes, name);
    }

    private static JsonNode get(String path) throws Exception {
        return EventJson.mapper()
                .readTree(http.send(
                                HttpRequest.newBuilder(URI.create("http://localhost:" + ingestPort + path))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body());
    }

    private static HttpResponse<String> post(String path, String token, String json) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + ingestPort + path))
                        .header("Content-Type", "application/json")
                        .header("X-Feedback-Token", token)
                        .POST(HttpRequest.BodyPublishers.ofString(json))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
