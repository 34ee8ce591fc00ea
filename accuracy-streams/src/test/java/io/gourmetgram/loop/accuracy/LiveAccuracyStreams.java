package io.gourmetgram.loop.accuracy;

import io.gourmetgram.loop.events.testing.S3TestServer;
import io.gourmetgram.loop.events.topics.TopicSpec;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The running application on a real KRaft broker and a real S3 server, shared by the integration
 * tests that extend it (one application context, one broker, one S3 server for all of them: keep each
 * test's data apart by model id or upload ids).
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "gourmetgram.accuracy.state-dir=${java.io.tmpdir}/accuracy-it-${random.uuid}",
            "gourmetgram.curation.state-dir=${java.io.tmpdir}/curation-it-${random.uuid}"
        })
@EmbeddedKafka(
        partitions = 3,
        bootstrapServersProperty = "spring.kafka.bootstrap-servers",
        brokerProperties = {"transaction.state.log.replication.factor=1", "transaction.state.log.min.isr=1"})
public abstract class LiveAccuracyStreams {

    /** Lives as long as the test JVM, like the cached application context that uses it. */
    protected static final S3TestServer S3 = S3TestServer.start();

    @DynamicPropertySource
    static void objectStore(DynamicPropertyRegistry registry) {
        registry.add("gourmetgram.curation.s3.endpoint", S3::endpoint);
        registry.add("gourmetgram.curation.s3.access-key", () -> S3TestServer.ACCESS_KEY);
        registry.add("gourmetgram.curation.s3.secret-key", () -> S3TestServer.SECRET_KEY);
    }

    @LocalServerPort
    protected int port;

    @Autowired
    protected EmbeddedKafkaBroker broker;

    protected <V> void send(TopicSpec<V> topic, String key, V value) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", broker.getBrokersAsString()),
                new StringSerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(
                            topic.name(), key, topic.valueSerde().serialize(topic.name(), value)))
                    .get();
        }
    }
}
