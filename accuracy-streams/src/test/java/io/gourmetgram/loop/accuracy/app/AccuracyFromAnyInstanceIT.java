package io.gourmetgram.loop.accuracy.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gourmetgram.loop.accuracy.AccuracyStreamsApplication;
import io.gourmetgram.loop.events.AnnotationAction;
import io.gourmetgram.loop.events.EventJson;
import io.gourmetgram.loop.events.LabelingRequest;
import io.gourmetgram.loop.events.Prediction;
import io.gourmetgram.loop.events.ReviewReason;
import io.gourmetgram.loop.events.testing.S3TestServer;
import io.gourmetgram.loop.events.testing.TestEvents;
import io.gourmetgram.loop.events.topics.TopicSpec;
import io.gourmetgram.loop.events.topics.Topics;
import io.gourmetgram.loop.support.topics.TopicLayout;
import io.gourmetgram.loop.support.topics.TopicProvisioner;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import tools.jackson.databind.JsonNode;

/**
 * Two instances of accuracy-streams on topics with 6 partitions: each computes only the windows of
 * the partitions it owns, yet {@code GET /api/accuracy} answers completely, and the same, on both.
 */
class AccuracyFromAnyInstanceIT {

    private static final int HOURS = 6;
    private static final HttpClient http = HttpClient.newHttpClient();
    private static EmbeddedKafkaKraftBroker broker;
    private static S3TestServer s3;
    private static final List<ConfigurableApplicationContext> instances = new ArrayList<>();

    @TempDir
    static Path stateDirs;

    @BeforeAll
    static void start() {
        broker = new EmbeddedKafkaKraftBroker(1, 6);
        broker.brokerProperties(
                Map.of("transaction.state.log.replication.factor", "1", "transaction.state.log.min.isr", "1"));
        broker.afterPropertiesSet();
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString()))) {
            TopicProvisioner.ensure(admin, Topics.all(), new TopicLayout(6, (short) 1, 1));
        }
        s3 = S3TestServer.start();
        for (String name : List.of("a", "b")) {
            // Command-line arguments: they win over application.yml (builder properties would not).
            instances.add(new SpringApplicationBuilder(AccuracyStreamsApplication.class)
                    .run(
                            "--server.port=0",
                            "--spring.kafka.bootstrap-servers=" + broker.getBrokersAsString(),
                            "--gourmetgram.accuracy.state-dir=" + stateDirs.resolve("accuracy-" + name),
                            "--gourmetgram.curation.state-dir=" + stateDirs.resolve("curation-" + name),
                            "--gourmetgram.curation.s3.endpoint=" + s3.endpoint(),
                            "--gourmetgram.curation.s3.access-key=" + S3TestServer.ACCESS_KEY,
                            "--gourmetgram.curation.s3.secret-key=" + S3TestServer.SECRET_KEY));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        instances.forEach(ConfigurableApplicationContext::close);
        s3.close();
        broker.destroy();
    }

    @Test
    void everyInstanceAnswersWithEveryWindow() throws Exception {
        Instant first = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(HOURS + 1));
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", broker.getBrokersAsString()),
                new StringSerializer(),
                new ByteArraySerializer())) {
            for (int h = 0; h < HOURS; h++) {
                Instant at = first.plus(Duration.ofHours(h)).plusSeconds(60);
                for (String label : List.of("Rice", "Soup")) {
                    String id = "upload-" + h + "-" + label;
                    LabelingRequest request = request(id, at);
                    send(producer, Topics.PREDICTIONS, id, request.prediction());
                    send(producer, Topics.LABELING_REQUESTS, id, request);
                    send(
                            producer,
                            Topics.ANNOTATIONS,
                            id,
                            TestEvents.annotation(id)
                                    .taskId(h * 10L + label.length())
                                    .annotationId(h * 10L + label.length())
                                    .label(label)
                                    .action(AnnotationAction.CREATED)
                                    .leadTimeSeconds(2.0)
                                    .updatedAt(at)
                                    .build());
                }
            }
        }

        String tumbling = "/api/accuracy?window=tumbling&from=" + first;
        await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
            for (ConfigurableApplicationContext instance : instances) {
                JsonNode windows = get(instance, tumbling);
                assertThat(windows).hasSize(HOURS);
                windows.forEach(w -> assertThat(w.path("labelled").asLong()).isEqualTo(2));
            }
        });
        String rolling = "/api/accuracy?window=rolling&from=" + first.minus(Duration.ofDays(1));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(get(instances.get(0), tumbling)).isEqualTo(get(instances.get(1), tumbling));
            assertThat(get(instances.get(0), rolling)).isNotEmpty().isEqualTo(get(instances.get(1), rolling));
        });
        // The point of the test: neither instance computes every window itself.
        // (Partitions are owned by one instance at a time, so both holding some means neither holds all.)
        for (ConfigurableApplicationContext instance : instances) {
            try (var own = instance.getBean(AccuracyStreams.class).windows().all()) {
                assertThat(own.hasNext()).isTrue();
            }
        }
    }

    private static JsonNode get(ConfigurableApplicationContext instance, String query) throws Exception {
        int port = Integer.parseInt(instance.getEnvironment().getProperty("local.server.port"));
        HttpResponse<String> answer = http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + query))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(200);
        return EventJson.mapper().readTree(answer.body());
    }

    private static <V> void send(KafkaProducer<String, byte[]> producer, TopicSpec<V> topic, String key, V value)
            throws Exception {
        producer.send(new ProducerRecord<>(topic.name(), key, topic.valueSerde().serialize(topic.name(), value)))
                .get();
    }

    private static LabelingRequest request(String id, Instant at) {
        Prediction p = TestEvents.prediction(id)
                .label("Rice")
                .confidence(0.5)
                .scoredAt(at)
                .build();
        return TestEvents.labelingRequest(id)
                .prediction(p)
                .reasons(ReviewReason.LOW_CONFIDENCE)
                .at(at)
                .build();
    }
}
