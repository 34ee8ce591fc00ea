package io.gourmetgram.loop.inference.pipeline;

import io.gourmetgram.loop.events.topics.Topics;
import io.gourmetgram.loop.inference.config.InferenceProperties;
import io.gourmetgram.loop.inference.model.ImageClassifier;
import io.gourmetgram.loop.inference.model.ModelFiles;
import io.gourmetgram.loop.inference.preprocessing.ImagePreprocessor;
import io.gourmetgram.loop.inference.preprocessing.OpenCvPhotoTensors;
import io.gourmetgram.loop.inference.preprocessing.PhotoTensors;
import io.gourmetgram.loop.inference.storage.ImageStore;
import io.gourmetgram.loop.support.lifecycle.WorkerThreads;
import io.gourmetgram.loop.support.topics.TopicProvisioner;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Owns the model, the Kafka clients and the loop thread; starts with the application and stops
 * gracefully with it. Its health is DOWN when the loop has died.
 */
@Component
public class InferencePipeline implements SmartLifecycle, HealthIndicator {

    private static final Logger log = LoggerFactory.getLogger(InferencePipeline.class);
    static final String GROUP_ID = "inference-processor";

    private final InferenceProperties properties;
    private final KafkaProperties kafka;
    private final MeterRegistry registry;
    private ImageClassifier classifier;
    private ExecutorService decodePool;
    private InferenceLoop loop;
    private Thread thread;
    private KafkaClientMetrics producerMetrics;

    public InferencePipeline(InferenceProperties properties, KafkaProperties kafka, MeterRegistry registry) {
        this.properties = properties;
        this.kafka = kafka;
        this.registry = registry;
    }

    @Override
    public void start() {
        warnIfTelemetryIsOn();
        ModelFiles files =
                properties.modelDir() == null ? ModelFiles.builtIn() : ModelFiles.fromDirectory(properties.modelDir());
        classifier = ImageClassifier.load(
                files, properties.effectiveOnnxThreads(Runtime.getRuntime().availableProcessors()));
        TopicProvisioner.ensure(
                kafka.buildAdminProperties(),
                List.of(Topics.UPLOADS, Topics.PREDICTIONS, Topics.INFERENCE_DEAD_LETTER));

        KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(consumerConfig(), new StringDeserializer(), new ByteArrayDeserializer());
        new KafkaClientMetrics(consumer).bindTo(registry);
        Map<String, Object> producerConfig = producerConfig();
        Supplier<Producer<byte[], byte[]>> producers = () -> {
            KafkaProducer<byte[], byte[]> producer =
                    new KafkaProducer<>(producerConfig, new ByteArraySerializer(), new ByteArraySerializer());
            producerMetrics = swap(producerMetrics, new KafkaClientMetrics(producer));
            return producer;
        };
        decodePool = Executors.newFixedThreadPool(
                properties.decodeThreads(),
                Thread.ofPlatform().name("decode-", 0).factory());
        PhotoTensors tensors = OpenCvPhotoTensors.orImageIo(
                new ImagePreprocessor(files.sidecar()),
                files.sidecar().preprocessing().allowsJpegReducedDecoding());
        InferenceLoop.Settings settings = new InferenceLoop.Settings(
                properties.topK(),
                properties.maxBatch(),
                properties.pollTimeout(),
                properties.retryBackoff(),
                properties.maxRecordAttempts(),
                properties.stallTimeout(),
                properties.commitGiveUp());
        loop = new InferenceLoop(
                consumer,
                producers,
                new ImageStore(properties.s3().newClient()),
                classifier,
                tensors,
                decodePool,
                settings,
                Clock.systemUTC(),
                registry);
        thread = Thread.ofPlatform().name("inference-loop").start(loop);
    }

    @Override
    public void stop() {
        if (loop != null) {
            loop.stop();
            WorkerThreads.awaitStop(thread, Duration.ofSeconds(30));
            decodePool.shutdownNow();
            try {
                classifier.close();
            } catch (Exception e) {
                log.warn("Closing the ONNX session failed", e);
            }
            loop = null;
        }
    }

    @Override
    public boolean isRunning() {
        return loop != null;
    }

    @Override
    public Health health() {
        if (loop == null) {
            return Health.down().withDetail("reason", "not started").build();
        }
        String problem = loop.problem();
        if (problem == null && !thread.isAlive()) {
            problem = "processing thread is not running";
        }
        if (problem != null) {
            return Health.down().withDetail("reason", problem).build();
        }
        return Health.up()
                .withDetail("model", classifier.files().modelRef().qualifiedName())
                .build();
    }

    /** Spring's {@code spring.kafka.*} client settings (bootstrap servers, TLS, SASL) plus what this loop needs. */
    private Map<String, Object> consumerConfig() {
        Map<String, Object> config = new HashMap<>(kafka.buildConsumerProperties());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP_ID);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, properties.maxBatch());
        config.remove(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG);
        config.remove(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG);
        return config;
    }

    private Map<String, Object> producerConfig() {
        Map<String, Object> config = new HashMap<>(kafka.buildProducerProperties());
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, properties.transactionalId());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // A batch's predictions go out together at commit: compress them as one (JSON shrinks ~4× with lz4).
        config.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        config.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
        // A call blocked on an absent broker gives up after this and is retried by the loop, which stays responsive.
        config.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int)
                properties.commitGiveUp().dividedBy(4).toMillis());
        config.remove(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG);
        config.remove(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG);
        return config;
    }

    /** Binds the new producer's client metrics in place of the closed one's. */
    private KafkaClientMetrics swap(KafkaClientMetrics old, KafkaClientMetrics fresh) {
        if (old != null) {
            old.close();
        }
        fresh.bindTo(registry);
        return fresh;
    }

    /** ONNX Runtime's Linux library sends telemetry unless this variable is set before it loads. */
    private static void warnIfTelemetryIsOn() {
        if (!"1".equals(System.getenv("ORT_DISABLE_TELEMETRY"))) {
            log.warn("ORT_DISABLE_TELEMETRY is not set to 1: ONNX Runtime will record telemetry on this host. "
                    + "Set ORT_DISABLE_TELEMETRY=1 in the environment that starts this JVM (the local stack, "
                    + "Dockerfile and chart do).");
        }
    }
}
