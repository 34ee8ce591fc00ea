package io.gourmetgram.loop.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gourmetgram.loop.events.ObjectRef;
import io.gourmetgram.loop.events.Upload;
import io.gourmetgram.loop.events.testing.S3TestServer;
import io.gourmetgram.loop.events.topics.Topics;
import io.gourmetgram.loop.ingest.image.BadInputCorpus;
import io.micrometer.core.instrument.MeterRegistry;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.StatObjectArgs;
import io.minio.errors.ErrorResponseException;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A photo kept after Kafka left its event's fate unknown is deleted once the grace period has passed
 * without an {@code Upload} event; a photo whose event did appear, and objects ingest-api did not
 * write, are left alone. Grace and interval are shortened to seconds.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}",
            "gourmetgram.ingest.orphans.grace=2s",
            "gourmetgram.ingest.orphans.window=1h",
            "gourmetgram.ingest.orphans.interval=500ms"
        })
@EmbeddedKafka(partitions = 1)
@DirtiesContext
class OrphanSweepIT {

    private static final S3TestServer S3 = S3TestServer.start();
    private static final String BUCKET = "production";
    private static final DateTimeFormatter DAY =
            DateTimeFormatter.ofPattern("yyyy/MM/dd").withZone(ZoneOffset.UTC);

    @DynamicPropertySource
    static void objectStore(DynamicPropertyRegistry registry) {
        ObjectStoreSettings.register(registry, S3);
    }

    @AfterAll
    static void stopObjectStore() throws Exception {
        S3.close();
    }

    @Value("${spring.embedded.kafka.brokers}")
    String brokers;

    @Autowired
    MeterRegistry meters;

    private final MinioClient s3 = MinioClient.builder()
            .endpoint(S3.endpoint())
            .credentials(S3TestServer.ACCESS_KEY, S3TestServer.SECRET_KEY)
            .build();

    @Test
    void aPhotoWhoseEventNeverCameIsSweptAndTheOthersAreKept() throws Exception {
        String orphanId = UUID.randomUUID().toString();
        String announcedId = UUID.randomUUID().toString();
        String orphan = DAY.format(Instant.now()) + "/" + orphanId + ".jpg";
        String announced = DAY.format(Instant.now()) + "/" + announcedId + ".jpg";
        String foreign = DAY.format(Instant.now()) + "/notes.txt";
        for (String key : new String[] {orphan, announced, foreign}) {
            put(key);
        }
        new BrokerTopics(brokers)
                .publish(
                        Topics.UPLOADS,
                        announcedId,
                        new Upload(
                                announcedId,
                                new ObjectRef(BUCKET, announced),
                                "image/jpeg",
                                985,
                                "0".repeat(64),
                                64,
                                48,
                                "0".repeat(64),
                                Instant.now()));

        await().atMost(Duration.ofSeconds(30)).until(() -> !exists(orphan));

        assertThat(meters.counter("gourmetgram.ingest.uploads.orphans", "outcome", "swept")
                        .count())
                .isEqualTo(1);
        assertThat(exists(announced)).as("a photo with its event").isTrue();
        assertThat(exists(foreign)).as("a key ingest-api did not write").isTrue();
    }

    private void put(String key) throws Exception {
        byte[] bytes = BadInputCorpus.bytes("ordinary.jpg");
        s3.putObject(PutObjectArgs.builder().bucket(BUCKET).object(key).stream(
                        new ByteArrayInputStream(bytes), bytes.length, -1)
                .build());
    }

    private boolean exists(String key) throws Exception {
        try {
            s3.statObject(StatObjectArgs.builder().bucket(BUCKET).object(key).build());
            return true;
        } catch (ErrorResponseException e) {
            return false;
        }
    }
}
