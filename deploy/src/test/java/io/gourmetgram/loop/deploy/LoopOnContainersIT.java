package io.gourmetgram.loop.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.gourmetgram.loop.events.EventJson;
import io.gourmetgram.loop.events.testing.SharedFixtures;
import io.gourmetgram.loop.events.topics.Topics;
import io.gourmetgram.loop.localstack.ConsumerLag;
import java.io.IOException;
import java.io.Reader;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.MinIOContainer;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;
import org.yaml.snakeyaml.Yaml;

/**
 * The loop against the containers docker-compose runs — the same apache/kafka and MinIO images, read from
 * docker-compose.yml — with the stages from their jars: photos in, predictions out, a flag turned into a labeling
 * request, and the lag command seeing every group. Runs with {@code -Ptestcontainers} on a host with Docker.
 */
@Testcontainers(disabledWithoutDocker = true)
class LoopOnContainersIT {

    private static final Path DATA = Path.of("target", "containers-stack").toAbsolutePath();
    private static KafkaContainer kafka;
    private static MinIOContainer minio;
    private static LoopStages stages;

    @BeforeAll
    static void start() throws Exception {
        kafka = new KafkaContainer(composeImage("kafka"));
        minio = new MinIOContainer(composeImage("minio"));
        kafka.start();
        minio.start();
        // Topics: each stage creates those it uses at start-up, as in docker-compose.
        stages = LoopStages.start(
                kafka.getBootstrapServers(),
                minio.getS3URL(),
                minio.getUserName(),
                minio.getPassword(),
                DATA,
                Map.of());
    }

    @AfterAll
    static void stop() throws Exception {
        if (stages != null) {
            stages.close();
        }
        if (minio != null) {
            minio.stop();
        }
        if (kafka != null) {
            kafka.stop();
        }
    }

    @Test
    void aPhotoIsScoredAndAFlagBecomesALabelingRequest() throws Exception {
        Path photo = SharedFixtures.food11Photos().getFirst();
        HttpResponse<String> accepted =
                ingest().upload(Files.readAllBytes(photo), photo.getFileName().toString());
        assertThat(accepted.statusCode()).isEqualTo(202);
        var body = EventJson.mapper().readTree(accepted.body());
        String id = body.path("uploadId").asString();

        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(EventJson.mapper()
                                .readTree(ingest().get("/api/uploads/" + id + "?wait=5s"))
                                .path("state")
                                .asString())
                        .isEqualTo("predicted"));
        assertThat(ingest().flag(id, body.path("feedbackToken").asString()).statusCode())
                .isEqualTo(202);

        try (Admin admin = ConsumerLag.connect(kafka.getBootstrapServers())) {
            Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                var ends = new ConsumerLag(admin).topicEnds();
                assertThat(ends).anySatisfy(r -> {
                    assertThat(r.topic()).isEqualTo(Topics.LABELING_REQUESTS.name());
                    assertThat(r.end()).isPositive();
                });
                assertThat(new ConsumerLag(admin).rows())
                        .extracting(ConsumerLag.Row::group)
                        .contains("inference-processor", "sampling-streams");
            });
        }
    }

    /** The image docker-compose.yml pins for a service, so this test runs exactly what is deployed. */
    private static String composeImage(String service) throws IOException {
        try (Reader r = Files.newBufferedReader(Repo.path("docker-compose/docker-compose.yml"))) {
            Map<String, Map<String, Map<String, Object>>> compose = new Yaml().load(r);
            return compose.get("services").get(service).get("image").toString();
        }
    }

    private static IngestClient ingest() {
        return new IngestClient(stages.stage("ingest-api").port());
    }
}
