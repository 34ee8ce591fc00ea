package io.gourmetgram.loop.ingest.view;

import io.gourmetgram.loop.events.Prediction;
import io.gourmetgram.loop.events.Upload;
import io.gourmetgram.loop.events.errors.DeadLetterPublisher;
import io.gourmetgram.loop.events.topics.Topics;
import io.gourmetgram.loop.ingest.config.IngestProperties;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Feeds {@link UploadView} from {@code uploads} and {@code predictions}. Every instance reads every
 * partition (no consumer group), starting at the view horizon, because any instance may be asked
 * about any upload. Predictions are read committed: the processor writes them in transactions.
 */
@Component
public class ViewFeed implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ViewFeed.class);

    private final KafkaProperties kafka;
    private final IngestProperties properties;
    private final UploadView view;
    private final DeadLetterPublisher deadLetters;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private volatile boolean running;
    private Thread thread;

    public ViewFeed(KafkaProperties kafka, IngestProperties properties, UploadView view, DeadLetterPublisher deadLetters) {
        this.kafka = kafka;
        this.properties = properties;
        this.view = view;
        this.deadLetters = deadLetters;
    }

    @Override
    public void start() {
        Map<String, Object> config = new HashMap<>(kafka.buildConsumerProperties());
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, String.join(",", kafka.getBootstrapServers()));
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.remove(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG);
        config.remove(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG);
        consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        running = true;
        thread = Thread.ofPlatform().name("upload-view-feed").daemon().start(this::run);
    }

    private void run() {
        try {
            assignFromHorizon();
            while (running) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    apply(record);
                }
            }
        } catch (WakeupException e) {
            // stopping
        } catch (RuntimeException e) {
            log.error("The upload view stopped following Kafka; GET /api/uploads answers from stale data", e);
        } finally {
            consumer.close();
        }
    }

    private void assignFromHorizon() {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(Topics.UPLOADS.name(), Topics.PREDICTIONS.name())) {
            // partitionsFor waits for metadata; a topic created later is picked up on restart.
            consumer.partitionsFor(topic, Duration.ofSeconds(30))
                    .forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
        }
        consumer.assign(partitions);
        long since = Clock.systemUTC().millis() - properties.viewHorizon().toMillis();
        Map<TopicPartition, Long> query = new HashMap<>();
        partitions.forEach(p -> query.put(p, since));
        Map<TopicPartition, OffsetAndTimestamp> offsets = consumer.offsetsForTimes(query);
        for (TopicPartition p : partitions) {
            OffsetAndTimestamp at = offsets.get(p);
            if (at != null) {
                consumer.seek(p, at.offset());
            } else {
                consumer.seekToEnd(List.of(p));
            }
        }
        log.info("Upload view follows {} partitions from {} back", partitions.size(), properties.viewHorizon());
    }

    private void apply(ConsumerRecord<byte[], byte[]> record) {
        try {
            if (record.topic().equals(Topics.UPLOADS.name())) {
                Upload upload = Topics.UPLOADS.valueSerde().deserialize(record.topic(), record.value());
                if (upload != null) {
                    view.recordUpload(upload);
                }
            } else {
                Prediction prediction = Topics.PREDICTIONS.valueSerde().deserialize(record.topic(), record.value());
                if (prediction != null) {
                    view.recordPrediction(prediction);
                }
            }
        } catch (SerializationException e) {
            deadLetters.publish(record.topic(), record.partition(), record.offset(), record.key(), record.value(), record, e);
        }
    }

    @Override
    public void stop() {
        running = false;
        if (consumer != null) {
            consumer.wakeup();
        }
        if (thread != null) {
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
