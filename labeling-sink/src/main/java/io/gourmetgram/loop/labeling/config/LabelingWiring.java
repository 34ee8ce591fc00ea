package io.gourmetgram.loop.labeling.config;

import io.gourmetgram.loop.events.topics.Topics;
import io.gourmetgram.loop.labeling.annotations.AnnotationLedger;
import io.gourmetgram.loop.labeling.errors.LabelingDeadLetters;
import io.gourmetgram.loop.labeling.images.ImageLinks;
import io.gourmetgram.loop.labeling.receipts.ReceiptBook;
import io.gourmetgram.loop.support.deadletter.DeadLetterPublisher;
import io.gourmetgram.loop.support.labels.ModelLabels;
import io.gourmetgram.loop.support.topics.TopicProvisioner;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.minio.MinioClient;
import java.time.Clock;
import java.time.Duration;
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

/** The parts labeling-sink is made of, built from its validated settings. */
@Configuration(proxyBeanMethods = false)
public class LabelingWiring {

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean(destroyMethod = "close")
    Producer<byte[], byte[]> producer(KafkaProperties kafka, MeterRegistry meters) {
        TopicProvisioner.ensure(
                kafka.buildAdminProperties(),
                List.of(
                        Topics.LABELING_REQUESTS,
                        Topics.LABELING_RECEIPTS,
                        Topics.ANNOTATIONS,
                        Topics.LABELING_DEAD_LETTER));
        Map<String, Object> config = new HashMap<>(kafka.buildProducerProperties());
        config.remove(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG);
        config.remove(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // Webhook events are handed to Kafka without waiting; this bounds how long a send may block on metadata.
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
        new KafkaClientMetrics(producer).bindTo(meters);
        return producer;
    }

    @Bean(destroyMethod = "close")
    ReceiptBook receiptBook(Producer<byte[], byte[]> producer, LabelingProperties properties) {
        return new ReceiptBook(producer, Duration.ofSeconds(30), properties.stateDir());
    }

    @Bean(destroyMethod = "close")
    AnnotationLedger annotationLedger(
            Producer<byte[], byte[]> producer,
            ReceiptBook receipts,
            ModelLabels labels,
            LabelingDeadLetters deadLetters,
            Clock clock,
            LabelingProperties properties,
            MeterRegistry meters) {
        // Three reconciliation passes: time for the worker's receipt write, or for an adoption.
        return new AnnotationLedger(
                producer,
                receipts,
                labels,
                deadLetters,
                clock,
                properties.reconcileInterval().multipliedBy(3),
                meters,
                properties.stateDir());
    }

    @Bean
    LabelingDeadLetters deadLetters(Producer<byte[], byte[]> producer, Clock clock, MeterRegistry meters) {
        return new LabelingDeadLetters(
                new DeadLetterPublisher("labeling-sink", Topics.LABELING_DEAD_LETTER, producer, clock), meters);
    }

    @Bean
    ImageLinks imageLinks(LabelingProperties properties) {
        return new ImageLinks(properties.publicUrl(), properties.imageLinkSecret());
    }

    @Bean
    MinioClient minio(LabelingProperties properties) {
        return properties.s3().newClient();
    }

    /** The classes annotators choose from: MODEL_LABELS_FILE (a model.json) or Food-11. */
    @Bean
    ModelLabels modelLabels(LabelingProperties properties) {
        return ModelLabels.configured(properties.labelsFile());
    }
}
