package io.gourmetgram.loop.ingest.upload;

import static org.assertj.core.api.Assertions.assertThat;

import io.gourmetgram.loop.events.testing.SharedFixtures;
import io.gourmetgram.loop.events.topics.Topics;
import io.gourmetgram.loop.ingest.HttpTestClient;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;

/** The object store is down: the upload is refused with 503 and no event is published. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "gourmetgram.ingest.s3.endpoint=http://127.0.0.1:1", // nothing listens on port 1
        "gourmetgram.ingest.s3.access-key=k", "gourmetgram.ingest.s3.secret-key=s"})
@EmbeddedKafka(partitions = 1, bootstrapServersProperty = "spring.kafka.bootstrap-servers")
class StoreOutageIT {

    @LocalServerPort
    private int port;
    @Autowired
    private EmbeddedKafkaBroker broker;

    @Test
    void uploadIsRefusedWith503AndNothingIsPublished() throws Exception {
        var answer = new HttpTestClient(port).uploadRaw("image/jpeg", Files.readAllBytes(SharedFixtures.food11Photos().get(2)));

        assertThat(answer.status()).isEqualTo(503);
        assertThat(answer.json().path("detail").asString()).contains("could not store your photo");
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.getBrokersAsString(), ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", ConsumerConfig.GROUP_ID_CONFIG,
                "outage"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(Topics.UPLOADS.name()));
            assertThat(consumer.poll(Duration.ofSeconds(3))).isEmpty();
        }
    }
}
