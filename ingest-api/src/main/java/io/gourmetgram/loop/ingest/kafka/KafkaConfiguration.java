package io.gourmetgram.loop.ingest.kafka;

import io.gourmetgram.loop.events.topics.TopicSpec;
import io.gourmetgram.loop.events.topics.Topics;
import io.gourmetgram.loop.ingest.startup.StartupStep;
import io.gourmetgram.loop.support.deadletter.DeadLetterPublisher;
import io.gourmetgram.loop.support.kafka.EventPublisher;
import io.gourmetgram.loop.support.topics.TopicProvisioner;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Kafka clients of ingest-api. Connection settings come from Spring Boot's {@code spring.kafka.*}
 * (KAFKA_BOOTSTRAP_SERVERS); durability settings are fixed here because correctness depends on them.
 */
@Configuration(proxyBeanMethods = false)
class KafkaConfiguration {

    static final String STAGE = "ingest-api";

    /** Every catalog topic this service reads or writes. */
    static final List<TopicSpec<?>> TOPICS =
            List.of(Topics.UPLOADS, Topics.PREDICTIONS, Topics.FEEDBACK, Topics.INGEST_API_DEAD_LETTER);

    @Bean
    StartupStep catalogTopics(KafkaProperties kafka) {
        return new StartupStep("Kafka topics " + TOPICS, () -> {
            try (Admin admin = Admin.create(kafka.buildAdminProperties())) {
                TopicProvisioner.ensure(admin, TOPICS);
            }
        });
    }

    @Bean
    Producer<byte[], byte[]> eventProducer(KafkaProperties kafka, PublishProperties publish) {
        Map<String, Object> config = kafka.buildProducerProperties();
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        // A request waits on Kafka twice at most: for metadata inside send() and for the acknowledgement.
        int timeout = Math.toIntExact(publish.deliveryTimeout().toMillis());
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, timeout);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, timeout / 2);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        config.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, STAGE);
        return new KafkaProducer<>(config);
    }

    @Bean
    EventPublisher eventPublisher(Producer<byte[], byte[]> eventProducer, PublishProperties publish) {
        return new EventPublisher(eventProducer, publish.deliveryTimeout());
    }

    @Bean
    DeadLetterPublisher deadLetterPublisher(Producer<byte[], byte[]> eventProducer, Clock clock) {
        return new DeadLetterPublisher(STAGE, Topics.INGEST_API_DEAD_LETTER, eventProducer, clock);
    }
}
