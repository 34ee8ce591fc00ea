package io.gourmetgram.loop.ingest;

import static io.gourmetgram.loop.ingest.ApiClient.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.gourmetgram.loop.events.testing.S3TestServer;
import io.gourmetgram.loop.events.testing.TestEvents;
import io.gourmetgram.loop.events.topics.Topics;
import io.gourmetgram.loop.ingest.feedback.FeedbackToken;
import io.gourmetgram.loop.ingest.image.SamplePhotos;
import io.gourmetgram.loop.ingest.view.UploadView;
import io.micrometer.core.instrument.MeterRegistry;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Kafka stops answering the producer after a photo was stored: the upload is refused with 503 and
 * its object is deleted, so no photo is kept without its event. The broker stays reachable for topic
 * creation and the view; only the producer points at a closed port.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}",
            "gourmetgram.ingest.kafka.delivery-timeout=1s"
        })
@EmbeddedKafka(partitions = 1)
@DirtiesContext
class KafkaUnavailableIT {

    private static final S3TestServer S3 = S3TestServer.start();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        ObjectStoreSettings.register(registry, S3);
        registry.add("spring.kafka.producer.bootstrap-servers", () -> "127.0.0.1:" + closedPort());
    }

    @AfterAll
    static void stopObjectStore() throws Exception {
        S3.close();
    }

    @LocalServerPort
    int port;

    @Value("${spring.embedded.kafka.brokers}")
    String brokers;

    @Autowired
    MeterRegistry meters;

    @Autowired
    UploadView view;

    @Test
    void anUploadWhoseEventCannotBePublishedIsRefusedAndItsObjectDeleted() {
        ApiClient api = new ApiClient(port);

        HttpResponse<String> response = api.postMultipart(
                "/api/uploads", "file", "photo.jpg", "image/jpeg", SamplePhotos.bytes(SamplePhotos.smallSharedJpeg()));

        JsonNode problem = assertProblem(response, 503);
        assertThat(problem.get("detail").asString()).contains("could not be queued", "Nothing was kept");
        assertThat(objectsInBucket()).as("objects left in the bucket").isZero();
        assertThat(meters.counter("gourmetgram.ingest.uploads.orphans", "outcome", "deleted")
                        .count())
                .isEqualTo(1);
        assertThat(new BrokerTopics(brokers).all(Topics.UPLOADS)).isEmpty();
    }

    @Test
    void feedbackThatCannotBePublishedIsRefusedAsUnavailable() {
        FeedbackToken token = FeedbackToken.issue();
        view.recordUpload(TestEvents.upload("known-upload")
                .feedbackTokenSha256(token.sha256Hex())
                .uploadedAt(Instant.now())
                .build());

        HttpResponse<String> response = new ApiClient(port)
                .postJson("/api/uploads/known-upload/flag", Map.of("X-Feedback-Token", token.value()), "");

        assertThat(assertProblem(response, 503).get("detail").asString()).contains("try again");
    }

    private static long objectsInBucket() {
        MinioClient s3 = MinioClient.builder()
                .endpoint(S3.endpoint())
                .credentials(S3TestServer.ACCESS_KEY, S3TestServer.SECRET_KEY)
                .build();
        return StreamSupport.stream(
                        s3.listObjects(ListObjectsArgs.builder()
                                        .bucket("production")
                                        .recursive(true)
                                        .build())
                                .spliterator(),
                        false)
                .count();
    }

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
