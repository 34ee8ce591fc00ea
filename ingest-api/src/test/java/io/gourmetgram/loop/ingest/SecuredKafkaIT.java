package io.gourmetgram.loop.ingest;

import static io.gourmetgram.loop.ingest.ApiClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gourmetgram.loop.events.ObjectRef;
import io.gourmetgram.loop.events.testing.S3TestServer;
import io.gourmetgram.loop.events.testing.TestEvents;
import io.gourmetgram.loop.events.topics.Topics;
import io.gourmetgram.loop.ingest.image.SamplePhotos;
import io.gourmetgram.loop.support.testing.SaslBroker;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * ingest-api against a cluster that accepts only SASL/PLAIN, configured by nothing but the environment
 * variables the README documents: topic provisioning, the event producer and the view's consumer all
 * connect (an upload is announced, its prediction comes back); without them it refuses to start.
 */
class SecuredKafkaIT {

    private static SaslBroker broker;
    private static S3TestServer s3;

    @BeforeAll
    static void start() {
        broker = SaslBroker.start(1);
        s3 = S3TestServer.start();
    }

    @AfterAll
    static void stop() throws Exception {
        s3.close();
        broker.close();
    }

    @Test
    void withTheOperatorsSaslSettingsAnUploadIsAnnouncedAndItsPredictionComesBack() {
        try (ConfigurableApplicationContext stage = SaslBroker.runStage(
                IngestApiApplication.class, broker.stageEnvironment(), args().toArray(String[]::new))) {
            ApiClient api =
                    new ApiClient(Integer.parseInt(stage.getEnvironment().getProperty("local.server.port")));
            BrokerTopics topics = new BrokerTopics(broker.clientSettings());

            HttpResponse<String> response = api.postMultipart(
                    "/api/uploads",
                    "file",
                    "photo.jpg",
                    "image/jpeg",
                    SamplePhotos.bytes(SamplePhotos.smallSharedJpeg()));

            assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
            String id = json(response).get("uploadId").asString();
            assertThat(topics.values(Topics.UPLOADS, id)).hasSize(1);
            topics.publish(
                    Topics.PREDICTIONS,
                    id,
                    TestEvents.prediction(id)
                            .object(new ObjectRef("production", "k"))
                            .label("Soup")
                            .scoredAt(Instant.now())
                            .build());
            Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(json(api.get("/api/uploads/" + id))
                                    .get("state")
                                    .asString())
                            .isEqualTo("predicted"));
        }
    }

    @Test
    void withoutCredentialsTheServiceRefusesToStartAndSaysWhatToSet() {
        assertThatThrownBy(() -> SaslBroker.runStage(
                                IngestApiApplication.class,
                                broker.environmentWithoutCredentials(),
                                args().toArray(String[]::new))
                        .close())
                .hasStackTraceContaining("do this stage's security settings match its listener")
                .hasStackTraceContaining("SPRING_KAFKA_SECURITY_PROTOCOL");
    }

    private static List<String> args() {
        return List.of(
                "--server.port=0",
                "--management.server.port=0",
                "--gourmetgram.ingest.s3.endpoint=" + s3.endpoint(),
                "--gourmetgram.ingest.s3.access-key=" + S3TestServer.ACCESS_KEY,
                "--gourmetgram.ingest.s3.secret-key=" + S3TestServer.SECRET_KEY);
    }
}
