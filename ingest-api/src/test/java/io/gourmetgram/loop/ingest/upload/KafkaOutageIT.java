package io.gourmetgram.loop.ingest.upload;

import static org.assertj.core.api.Assertions.assertThat;

import io.gourmetgram.loop.events.testing.S3TestServer;
import io.gourmetgram.loop.events.testing.SharedFixtures;
import io.gourmetgram.loop.ingest.HttpTestClient;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import java.nio.file.Files;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Kafka is unreachable after the photo was stored: the upload is refused with 503 and the stored
 * object is deleted, so no object is left without its event (and no event without its object).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.kafka.bootstrap-servers=127.0.0.1:1", // nothing listens on port 1
        "gourmetgram.ingest.create-topics=false", "gourmetgram.ingest.publish-timeout=1s"})
class KafkaOutageIT {

    private static S3TestServer s3;

    @LocalServerPort
    private int port;

    @BeforeAll
    static void startS3() {
        s3 = S3TestServer.start();
    }

    @AfterAll
    static void stopS3() throws Exception {
        s3.close();
    }

    @DynamicPropertySource
    static void s3(DynamicPropertyRegistry registry) {
        registry.add("gourmetgram.ingest.s3.endpoint", () -> s3.endpoint());
        registry.add("gourmetgram.ingest.s3.access-key", () -> S3TestServer.ACCESS_KEY);
        registry.add("gourmetgram.ingest.s3.secret-key", () -> S3TestServer.SECRET_KEY);
    }

    @Test
    void uploadIsRefusedWith503AndTheStoredObjectIsDeleted() throws Exception {
        var answer = new HttpTestClient(port).uploadRaw("image/jpeg", Files.readAllBytes(SharedFixtures.food11Photos().get(3)));

        assertThat(answer.status()).isEqualTo(503);
        assertThat(answer.json().path("detail").asString()).contains("Nothing was kept");
        MinioClient minio = MinioClient.builder().endpoint(s3.endpoint())
                .credentials(S3TestServer.ACCESS_KEY, S3TestServer.SECRET_KEY).build();
        assertThat(minio.listObjects(ListObjectsArgs.builder().bucket("production").recursive(true).build())).isEmpty();
    }
}
