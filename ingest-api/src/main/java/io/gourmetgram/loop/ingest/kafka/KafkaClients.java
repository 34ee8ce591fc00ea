package io.gourmetgram.loop.ingest.kafka;

import io.gourmetgram.loop.events.errors.DeadLetterPublisher;
import io.gourmetgram.loop.events.topics.TopicProvisioner;
import io.gourmetgram.loop.events.topics.Topics;
import io.gourmetgram.loop.ingest.config.IngestProperties;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The Kafka producer of this service (idempotent, acks=all) and the topics it needs. */
@Configuration(proxyBeanMethods = false)
public class KafkaClients {

    @Bean(destroyMethod = "close")
    Producer<byte[], byte[]> eventProducer(KafkaProperties kafka, IngestProperties properties, MeterRegistry registry) {
        String bootstrap = String.join(",", kafka.getBootstrapServers());
        if (properties.createTopics()) {
            TopicProvisioner.ensure(bootstrap, List.of(Topics.UPLOADS, Topics.PREDICTIONS, Topics.FEEDBACK,
                    Topics.INGEST_API_DEAD_LETTER));
        }
        Map<String, Object> config = new HashMap<>(kafka.buildProducerProperties());
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // A request must not hang on an unreachable broker longer than its publish timeout.
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, properties.publishTimeout().toMillis());
        int requestTimeout = (int) Math.max(properties.publishTimeout().toMillis(), 1000L);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, requestTimeout);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, requestTimeout + 500);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        config.remove(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG);
        config.remove(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG);
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
        new KafkaClientMetrics(producer).bindTo(registry);
        return producer;
    }

    @Bean
    DeadLetterPublisher deadLetterPublisher(Producer<byte[], byte[]> eventProducer) {
        return new DeadLetterPublisher("ingest-api", Topics.INGEST_API_DEAD_LETTER, eventProducer, Clock.systemUTC());
    }
}
