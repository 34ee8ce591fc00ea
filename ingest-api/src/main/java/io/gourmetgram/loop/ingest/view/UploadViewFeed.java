package io.gourmetgram.loop.ingest.view;

import io.gourmetgram.loop.events.JsonSerde;
import io.gourmetgram.loop.events.Prediction;
import io.gourmetgram.loop.events.Upload;
import io.gourmetgram.loop.events.topics.TopicSpec;
import io.gourmetgram.loop.events.topics.Topics;
import io.gourmetgram.loop.ingest.startup.StartupStep;
import io.gourmetgram.loop.support.deadletter.DeadLetterPublisher;
import io.gourmetgram.loop.support.lifecycle.WorkerThreads;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.SmartLifecycle;

/**
 * Reads {@code uploads} and {@code predictions} into the {@link UploadView}.
 *
 * <p>Every instance needs every upload and prediction (a client may ask any replica), so the consumer
 * is assigned all partitions by hand instead of joining a consumer group, commits nothing, and at
 * startup seeks to the records of the last {@code horizon} (offsetsForTimes). A record that cannot be
 * read is dead-lettered to {@code ingest-api-dead-letter} and the feed moves on.
 */
public class UploadViewFeed implements SmartLifecycle, HealthIndicator {

    private static final Logger log = LoggerFactory.getLogger(UploadViewFeed.class);
    private static final Duration POLL = Duration.ofSeconds(1);
    private static final JsonSerde<Upload> UPLOADS = Topics.UPLOADS.valueSerde();
    private static final JsonSerde<Prediction> PREDICTIONS = Topics.PREDICTIONS.valueSerde();

    private final Map<String, Object> consumerConfig;
    private final UploadView view;
    private final AnnouncedUploads announced;
    private final DeadLetterPublisher deadLetters;
    private final Duration horizon;
    private final Clock clock;
    private final Counter deadLettered;
    private volatile boolean running;
    private volatile String failure;
    private KafkaConsumer<byte[], byte[]> consumer;
    private Thread thread;

    public UploadViewFeed(
            Map<String, Object> kafkaConsumerConfig,
            UploadView view,
            AnnouncedUploads announced,
            DeadLetterPublisher deadLetters,
            Duration horizon,
            Clock clock,
            MeterRegistry meters) {
        Map<String, Object> config = new HashMap<>(kafkaConsumerConfig);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "ingest-api-view");
        this.consumerConfig = config;
        this.view = view;
        this.announced = announced;
        this.deadLetters = deadLetters;
        this.horizon = horizon;
        this.clock = clock;
        this.deadLettered = Counter.builder("gourmetgram.ingest.view.dead.letters")
                .description("Records of uploads/predictions the view could not read, sent to the dead-letter topic")
                .register(meters);
    }

    @Override
    public void start() {
        consumer = new KafkaConsumer<>(consumerConfig);
        running = true;
        thread = Thread.ofPlatform().name("upload-view-feed").daemon(true).start(this::run);
    }

    @Override
    public void stop() {
        running = false;
        consumer.wakeup();
        WorkerThreads.awaitStop(thread, Duration.ofSeconds(10));
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** DOWN once the feed has stopped on an error: this instance would never see another prediction. */
    @Override
    public Health health() {
        return failure == null
                ? Health.up().withDetail("entries", view.size()).build()
                : Health.down().withDetail("error", failure).build();
    }

    /** After the topics exist ({@link StartupStep#PHASE}), before the web server takes requests. */
    @Override
    public int getPhase() {
        return 0;
    }

    private void run() {
        try {
            seekToHorizon();
            while (running) {
                apply(consumer.poll(POLL));
                noteWhetherCaughtUp();
            }
        } catch (WakeupException e) {
            if (running) {
                throw e;
            }
        } catch (RuntimeException e) {
            failure = e.toString();
            log.error("The upload view stopped reading Kafka; GET /api/uploads/{id} will not see new predictions", e);
        } finally {
            consumer.close();
        }
    }

    private void seekToHorizon() {
        List<TopicPartition> partitions = Stream.of(Topics.UPLOADS, Topics.PREDICTIONS)
                .map(TopicSpec::name)
                .flatMap(topic ->
                        consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())))
                .toList();
        consumer.assign(partitions);
        long since = clock.millis() - horizon.toMillis();
        Map<TopicPartition, OffsetAndTimestamp> offsets = consumer.offsetsForTimes(
                partitions.stream().collect(Collectors.toMap(Function.identity(), p -> since)));
        for (TopicPartition partition : partitions) {
            OffsetAndTimestamp start = offsets.get(partition);
            if (start == null) {
                consumer.seekToEnd(List.of(partition)); // nothing that recent: only new records matter
            } else {
                consumer.seek(partition, start.offset());
            }
        }
        log.info(
                "Upload view reads {} partitions of {} and {} from {} back",
                partitions.size(),
                Topics.UPLOADS.name(),
                Topics.PREDICTIONS.name(),
                horizon);
    }

    private void apply(ConsumerRecords<byte[], byte[]> records) {
        Set<TopicPartition> retryLater = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            TopicPartition partition = new TopicPartition(record.topic(), record.partition());
            if (retryLater.contains(partition)) {
                continue;
            }
            try {
                applyOne(record);
            } catch (RuntimeException e) {
                try {
                    deadLetters.publish(record, e);
                    deadLettered.increment();
                } catch (KafkaException deadLetterFailed) {
                    // Keep the record: read it again on the next poll rather than skip it unrecorded.
                    log.warn(
                            "Could not dead-letter {}@{}; will retry it", partition, record.offset(), deadLetterFailed);
                    consumer.seek(partition, record.offset());
                    retryLater.add(partition);
                }
            }
        }
    }

    /**
     * When the orphan sweeper asks, compares this consumer's positions on {@code uploads} with the end
     * offsets (one ListOffsets request; the consumer's own lag figures go stale on idle partitions).
     */
    private void noteWhetherCaughtUp() {
        if (!announced.takeCatchUpRequest()) {
            return;
        }
        Instant asked = clock.instant();
        List<TopicPartition> uploads = consumer.assignment().stream()
                .filter(partition -> partition.topic().equals(Topics.UPLOADS.name()))
                .toList();
        Map<TopicPartition, Long> ends = consumer.endOffsets(uploads);
        if (uploads.stream().allMatch(partition -> consumer.position(partition) >= ends.get(partition))) {
            announced.markCaughtUp(asked);
        }
    }

    private void applyOne(ConsumerRecord<byte[], byte[]> record) {
        if (record.value() == null) {
            return;
        }
        if (record.topic().equals(Topics.UPLOADS.name())) {
            Upload upload = UPLOADS.deserialize(record.topic(), record.value());
            view.recordUpload(upload);
            announced.record(upload.uploadId(), record.timestamp());
        } else {
            view.recordPrediction(PREDICTIONS.deserialize(record.topic(), record.value()));
        }
    }
}
