package io.gourmetgram.loop.sampling.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gourmetgram.loop.events.LabelingRequest;
import io.gourmetgram.loop.events.ReviewReason;
import io.gourmetgram.loop.events.testing.TestEvents;
import io.gourmetgram.loop.events.topics.Topics;
import io.gourmetgram.loop.sampling.SamplingStreamsApplication;
import io.gourmetgram.loop.support.testing.SaslBroker;
import io.gourmetgram.loop.support.testing.TlsBroker;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * sampling-streams against a cluster that accepts only SASL/PLAIN, and one that accepts only mutual TLS: configured
 * by nothing but the environment variables the README documents, its topic provisioning, Streams clients and
 * dead-letter producer connect and records flow; without them it refuses to start and says what to set. Started as
 * a process would be, it also shows the management-port convention every stage shares.
 */
class SecuredKafkaIT {

    private static final String MANAGEMENT_TOKEN = "management-token-for-tests-0123456789";
    private static SaslBroker broker;

    @TempDir
    Path stateDir;

    @BeforeAll
    static void startBroker() {
        broker = SaslBroker.start(3);
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void withTheOperatorsSaslSettingsAnUnsurePredictionBecomesALabelingRequest() throws Exception {
        Map<String, Object> environment = new HashMap<>(broker.stageEnvironment());
        environment.put("MANAGEMENT_TOKEN", MANAGEMENT_TOKEN);
        try (ConfigurableApplicationContext stage =
                SaslBroker.runStage(SamplingStreamsApplication.class, environment, args())) {
            assertAnUnsurePredictionBecomesALabelingRequest(broker.clientSettings());
            assertHealthDetailsOnlyWithTheManagementToken(stage);
        }
    }

    /** Mutual TLS: the stage's certificate and trust store reach its Streams clients, admin and dead-letter producer. */
    @Test
    void withTheOperatorsTlsSettingsAnUnsurePredictionBecomesALabelingRequest(@TempDir Path stores) throws Exception {
        try (TlsBroker tls = TlsBroker.start(3, stores);
                ConfigurableApplicationContext stage =
                        SaslBroker.runStage(SamplingStreamsApplication.class, tls.stageEnvironment(), args())) {
            assertAnUnsurePredictionBecomesALabelingRequest(tls.clientSettings());
            // Every stage's consumer groups notice a killed instance after 10 s, not Kafka's 45 (stage-support).
            assertThat(stage.getBean(KafkaProperties.class).buildStreamsProperties())
                    .containsEntry("session.timeout.ms", "10000")
                    .containsEntry("heartbeat.interval.ms", "3000");
        }
    }

    private static void assertAnUnsurePredictionBecomesALabelingRequest(Map<String, Object> clientSettings)
            throws Exception {
        String unsure = "unsure-" + UUID.randomUUID();
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(clientSettings, new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(
                            Topics.PREDICTIONS.name(),
                            unsure,
                            Topics.PREDICTIONS
                                    .valueSerde()
                                    .serialize(
                                            Topics.PREDICTIONS.name(),
                                            TestEvents.prediction(unsure)
                                                    .confidence(0.4)
                                                    .scoredAt(Instant.now())
                                                    .build())))
                    .get();
        }

        Map<String, Object> config = new HashMap<>(clientSettings);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "secured-it-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<LabelingRequest> requests = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(Topics.LABELING_REQUESTS.name()));
            Awaitility.await().atMost(Duration.ofSeconds(90)).until(() -> {
                consumer.poll(Duration.ofMillis(300))
                        .forEach(r -> requests.add(
                                Topics.LABELING_REQUESTS.valueSerde().deserialize(r.topic(), r.value())));
                return requests.stream().anyMatch(r -> r.uploadId().equals(unsure));
            });
        }
        assertThat(requests)
                .filteredOn(r -> r.uploadId().equals(unsure))
                .singleElement()
                .satisfies(r ->
                        assertThat(r.hasReason(ReviewReason.LOW_CONFIDENCE)).isTrue());
    }

    /** Issue 9: the actuator is on the management port; probes answer anyone, details need MANAGEMENT_TOKEN. */
    private static void assertHealthDetailsOnlyWithTheManagementToken(ConfigurableApplicationContext stage)
            throws Exception {
        String management = "http://127.0.0.1:" + stage.getEnvironment().getProperty("local.management.port");
        String main = "http://127.0.0.1:" + stage.getEnvironment().getProperty("local.server.port");
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> anonymous = http.send(
                HttpRequest.newBuilder(URI.create(management + "/actuator/health"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> operator = http.send(
                HttpRequest.newBuilder(URI.create(management + "/actuator/health"))
                        .header("Authorization", "Bearer " + MANAGEMENT_TOKEN)
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(anonymous.body()).contains("\"UP\"").doesNotContain("samplingStreams", "components");
        assertThat(operator.body()).contains("\"UP\"", "samplingStreams");
        for (String probe :
                List.of("/actuator/health/liveness", "/actuator/health/readiness", "/actuator/prometheus")) {
            assertThat(http.send(
                                    HttpRequest.newBuilder(URI.create(management + probe))
                                            .build(),
                                    HttpResponse.BodyHandlers.discarding())
                            .statusCode())
                    .as(probe)
                    .isEqualTo(200);
        }
        assertThat(http.send(
                                HttpRequest.newBuilder(URI.create(main + "/actuator/health"))
                                        .build(),
                                HttpResponse.BodyHandlers.discarding())
                        .statusCode())
                .isEqualTo(404);
    }

    @Test
    void withoutCredentialsTheStageRefusesToStartAndSaysWhatToSet() {
        assertThatThrownBy(() -> SaslBroker.runStage(
                                SamplingStreamsApplication.class, broker.environmentWithoutCredentials(), args())
                        .close())
                .hasStackTraceContaining("do this stage's security settings match its listener")
                .hasStackTraceContaining("SPRING_KAFKA_SECURITY_PROTOCOL");
    }

    private String[] args() {
        return new String[] {
            "--server.port=0",
            "--management.server.port=0",
            "--gourmetgram.sampling.state-dir=" + stateDir.resolve("state")
        };
    }
}
