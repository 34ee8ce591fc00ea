package io.gourmetgram.loop.accuracy.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gourmetgram.loop.events.Annotation;
import io.gourmetgram.loop.events.AnnotationAction;
import io.gourmetgram.loop.events.EventJson;
import io.gourmetgram.loop.events.LabelingRequest;
import io.gourmetgram.loop.events.Prediction;
import io.gourmetgram.loop.events.ReviewReason;
import io.gourmetgram.loop.events.testing.S3TestServer;
import io.gourmetgram.loop.events.testing.TestEvents;
import io.gourmetgram.loop.events.topics.TopicSpec;
import io.gourmetgram.loop.events.topics.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/** The application with exactly_once_v2 on a real KRaft broker, queried over HTTP as analysts do. */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "gourmetgram.accuracy.state-dir=${java.io.tmpdir}/accuracy-it-${random.uuid}",
            "gourmetgram.curation.state-dir=${java.io.tmpdir}/curation-it-${random.uuid}",
            "gourmetgram.management.token=" + AccuracyStreamsIT.MANAGEMENT_TOKEN
        })
@EmbeddedKafka(
        partitions = 3,
        bootstrapServersProperty = "spring.kafka.bootstrap-servers",
        brokerProperties = {"transaction.state.log.replication.factor=1", "transaction.state.log.min.isr=1"})
class AccuracyStreamsIT {

    static final String MANAGEMENT_TOKEN = "management-token-for-tests-0123456789";
    private static final HttpClient http = HttpClient.newHttpClient();
    private static final S3TestServer s3 = S3TestServer.start();

    @DynamicPropertySource
    static void s3(DynamicPropertyRegistry registry) {
        registry.add("gourmetgram.curation.s3.endpoint", s3::endpoint);
        registry.add("gourmetgram.curation.s3.access-key", () -> S3TestServer.ACCESS_KEY);
        registry.add("gourmetgram.curation.s3.secret-key", () -> S3TestServer.SECRET_KEY);
    }

    @AfterAll
    static void stopS3() throws Exception {
        s3.close();
    }

    @LocalServerPort
    private int port;

    @LocalManagementPort
    private int managementPort;

    @Autowired
    private EmbeddedKafkaBroker broker;

    @Test
    void labelsBecomeAWindowedAccuracyThatUpdatesAndDeletesChange() throws Exception {
        Instant hour = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(2));
        // a second model version served the hour before: the gauges show each version's latest window
        send(
                Topics.PREDICTIONS,
                "v2",
                TestEvents.prediction("v2")
                        .model("food11-demo", "2")
                        .scoredAt(hour.minus(Duration.ofMinutes(30)))
                        .build());
        send(
                Topics.PREDICTIONS,
                "a",
                request("a", hour, ReviewReason.LOW_CONFIDENCE).prediction());
        send(
                Topics.PREDICTIONS,
                "b",
                request("b", hour, ReviewReason.LOW_CONFIDENCE).prediction());
        send(Topics.LABELING_REQUESTS, "a", request("a", hour, ReviewReason.LOW_CONFIDENCE));
        send(Topics.LABELING_REQUESTS, "b", request("b", hour, ReviewReason.LOW_CONFIDENCE));
        send(Topics.ANNOTATIONS, "a", annotation("a", 1, 11, "Rice", AnnotationAction.CREATED, hour));
        send(Topics.ANNOTATIONS, "b", annotation("b", 2, 12, "Soup", AnnotationAction.CREATED, hour));

        String query = "/api/accuracy?window=tumbling&model=food11-demo&from=" + hour;
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            JsonNode w = onlyWindow(query);
            assertThat(w.path("labelled").asLong()).isEqualTo(2);
            assertThat(w.path("correct").asLong()).isEqualTo(1);
        });

        send(Topics.ANNOTATIONS, "b", annotation("b", 2, 12, "Rice", AnnotationAction.UPDATED, hour.plusSeconds(60)));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            JsonNode w = onlyWindow(query);
            assertThat(w.path("correct").asLong()).isEqualTo(2);
            // both predictions of the window were low-confidence and both are labelled: the production figure is exact
            assertThat(w.path("predictions").asLong()).isEqualTo(2);
            assertThat(w.path("strata")
                            .path("low_confidence")
                            .path("predictions")
                            .asLong())
                    .isEqualTo(2);
            assertThat(w.path("production").path("accuracy").asDouble()).isEqualTo(1.0);
            assertThat(w.path("production").path("lower").asDouble()).isEqualTo(1.0);
            // no labelled hours before it: its own labels alone, published under both names
            assertThat(w.path("productionMethod").asText()).isEqualTo("design_based");
            assertThat(w.path("designBased")).isEqualTo(w.path("production"));
        });

        send(Topics.ANNOTATIONS, "a", annotation("a", 1, 11, null, AnnotationAction.DELETED, hour.plusSeconds(90)));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            JsonNode w = onlyWindow(query);
            assertThat(w.path("labelled").asLong()).isEqualTo(1);
            assertThat(w.path("weighted").path("accuracy").asDouble()).isEqualTo(1.0);
            // one label left for two predictions: too few to say more than that
            assertThat(w.path("production").path("insufficient").asBoolean()).isTrue();
            assertThat(w.path("production").path("sampleSize").asDouble()).isEqualTo(1.0);
        });

        HttpResponse<String> bad = http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/accuracy?window=weekly"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("tumbling");
        assertThat(bad.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).contains("problem+json"));
        assertThat(bad.body()).contains("https://gourmetgram.io/loop/problems/invalid-accuracy-query");
        HttpResponse<String> nowhere = http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/nowhere"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(nowhere.statusCode()).isEqualTo(404);
        assertThat(nowhere.body()).contains("https://gourmetgram.io/loop/problems/not-found", "/api/nowhere");
        // one series per model version; a version's series appear within AccuracyGauges.DISCOVERY of its first window
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(scrape())
                        .contains(
                                "gourmetgram_accuracy_latest_weighted{model=\"food11-demo\",version=\"1\"} 1.0",
                                "gourmetgram_accuracy_latest_predictions{model=\"food11-demo\",version=\"1\"} 2.0",
                                "gourmetgram_accuracy_latest_production{model=\"food11-demo\",version=\"1\"} NaN",
                                "gourmetgram_accuracy_latest_predictions{model=\"food11-demo\",version=\"2\"} 1.0",
                                "gourmetgram_accuracy_latest_labelled{model=\"food11-demo\",version=\"2\"} 0.0"));
    }

    @Test
    void aQueryWithNoBoundsOnALongHistoryIsABoundedAnswerAndFromAfterToIsRefused() throws Exception {
        Instant hour = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(5));
        send(
                Topics.PREDICTIONS,
                "c",
                request("c", hour, ReviewReason.LOW_CONFIDENCE).prediction());
        // One prediction lands in every rolling window that covers its hour: many windows to bound.
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(get("/api/accuracy?window=rolling")
                                .headers()
                                .firstValueAsLong("X-Total-Count")
                                .orElse(0))
                        .isGreaterThan(3));

        HttpResponse<String> bounded = get("/api/accuracy?window=rolling&limit=2");
        assertThat(bounded.statusCode()).isEqualTo(200);
        JsonNode windows = EventJson.mapper().readTree(bounded.body());
        assertThat(windows).hasSize(2);
        assertThat(Instant.parse(windows.get(0).path("windowStart").asText()))
                .isBefore(Instant.parse(windows.get(1).path("windowStart").asText()));
        assertThat(bounded.headers().firstValueAsLong("X-Total-Count").orElseThrow())
                .isGreaterThan(2);

        HttpResponse<String> backwards = get("/api/accuracy?from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z");
        assertThat(backwards.statusCode()).isEqualTo(400);
        assertThat(backwards.body()).contains("invalid-accuracy-query", "is after to");
        assertThat(get("/api/accuracy?limit=0").statusCode()).isEqualTo(400);
        assertThat(get("/api/accuracy?limit=1000000").body()).contains("limit must be between 1 and 10000");
    }

    private HttpResponse<String> get(String query) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + query))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void healthDetailsNeedTheManagementTokenAndTheActuatorIsOnlyOnTheManagementPort() throws Exception {
        URI health = URI.create("http://localhost:" + managementPort + "/actuator/health");
        HttpResponse<String> anonymous =
                http.send(HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> operator = http.send(
                HttpRequest.newBuilder(health)
                        .header("Authorization", "Bearer " + MANAGEMENT_TOKEN)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> liveness = http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + managementPort + "/actuator/health/liveness"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> onPublicPort = http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/health"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(anonymous.body()).contains("\"status\"").doesNotContain("accuracyStreams", "components");
        assertThat(operator.body()).contains("accuracyStreams", "curationStreams");
        assertThat(liveness.body()).contains("\"status\"").doesNotContain("accuracyStreams");
        assertThat(onPublicPort.statusCode()).isEqualTo(404);
    }

    private JsonNode onlyWindow(String query) throws Exception {
        HttpResponse<String> answer = http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + query))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(200);
        JsonNode windows = EventJson.mapper().readTree(answer.body());
        assertThat(windows).hasSize(1);
        return windows.get(0);
    }

    private <V> void send(TopicSpec<V> topic, String key, V value) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", broker.getBrokersAsString()),
                new StringSerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(
                            topic.name(), key, topic.valueSerde().serialize(topic.name(), value)))
                    .get();
        }
    }

    private static LabelingRequest request(String id, Instant at, ReviewReason reason) {
        Prediction p = TestEvents.prediction(id)
                .label("Rice")
                .confidence(0.5)
                .scoredAt(at)
                .build();
        return TestEvents.labelingRequest(id)
                .prediction(p)
                .reasons(reason)
                .at(at)
                .build();
    }

    private static Annotation annotation(
            String id, long task, long annotation, String label, AnnotationAction action, Instant at) {
        return TestEvents.annotation(id)
                .taskId(task)
                .annotationId(annotation)
                .label(label)
                .action(action)
                .leadTimeSeconds(action == AnnotationAction.DELETED ? null : 2.0)
                .updatedAt(at)
                .build();
    }

    private String scrape() throws Exception {
        return http.send(
                        HttpRequest.newBuilder(
                                        URI.create("http://localhost:" + managementPort + "/actuator/prometheus"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }
}
