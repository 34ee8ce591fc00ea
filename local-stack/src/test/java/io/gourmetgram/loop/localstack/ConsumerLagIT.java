package io.gourmetgram.loop.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code ./consumer-lag} shows and the lag exporter serves, against a real KRaft broker. */
class ConsumerLagIT {

    @TempDir
    static Path dataDir;

    private static KafkaNode kafka;
    private static Admin admin;

    @BeforeAll
    static void backlog() throws Exception {
        kafka = KafkaNode.start(dataDir, Ports.free(), Ports.free());
        admin = ConsumerLag.connect(kafka.bootstrapServers());
        admin.createTopics(List.of(new NewTopic("labeling-requests", 3, (short) 1)))
                .all()
                .get();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
            for (int i = 0; i < 7; i++) {
                producer.send(new ProducerRecord<>("labeling-requests", 0, "k" + i, "v"))
                        .get();
            }
            for (int i = 0; i < 4; i++) {
                producer.send(new ProducerRecord<>("labeling-requests", 1, "k" + i, "v"))
                        .get();
            }
            for (int i = 0; i < 3; i++) {
                producer.send(new ProducerRecord<>("labeling-requests", 2, "k" + i, "v"))
                        .get();
            }
        }
        // The sink took 2 records of partition 0 and all of partition 1, then Label Studio went away; it never took one
        // of partition 2, so it has no committed offset there.
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                "labeling-sink",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class))) {
            consumer.commitSync(Map.of(
                    new TopicPartition("labeling-requests", 0),
                    new OffsetAndMetadata(2),
                    new TopicPartition("labeling-requests", 1),
                    new OffsetAndMetadata(4)));
        }
    }

    @AfterAll
    static void stop() {
        if (admin != null) {
            admin.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void showsTheBacklogOfEachGroupPerPartition() throws Exception {
        List<ConsumerLag.Row> rows = new ConsumerLag(admin).rows();

        assertThat(rows)
                .containsExactly(
                        new ConsumerLag.Row("labeling-sink", "labeling-requests", 0, 2, 7),
                        new ConsumerLag.Row("labeling-sink", "labeling-requests", 1, 4, 4),
                        new ConsumerLag.Row("labeling-sink", "labeling-requests", 2, 0, 3));
        assertThat(rows.get(0).lag()).isEqualTo(5);
        String table = ConsumerLag.table(rows);
        assertThat(table).contains("labeling-sink").contains("total lag of labeling-sink: 8");
    }

    @Test
    void servesTheSameNumbersToPrometheus() throws Exception {
        HttpServer server = ConsumerLag.serve(admin, 0);
        try {
            HttpResponse<String> scrape = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                                            + server.getAddress().getPort() + "/metrics"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(scrape.statusCode()).isEqualTo(200);
            assertThat(scrape.body())
                    .contains(
                            "gourmetgram_consumer_group_lag{group=\"labeling-sink\",topic=\"labeling-requests\",partition=\"0\"} 5")
                    .contains(
                            "gourmetgram_consumer_group_lag{group=\"labeling-sink\",topic=\"labeling-requests\",partition=\"1\"} 0")
                    .contains(
                            "gourmetgram_consumer_group_lag{group=\"labeling-sink\",topic=\"labeling-requests\",partition=\"2\"} 3")
                    .contains("gourmetgram_consumer_lag_exporter_up 1")
                    .contains("gourmetgram_topic_end_offset{topic=\"labeling-requests\",partition=\"0\"} 7");
        } finally {
            server.stop(0);
        }
    }
}
