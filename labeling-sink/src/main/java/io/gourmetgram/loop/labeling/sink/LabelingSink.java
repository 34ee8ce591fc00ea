package io.gourmetgram.loop.labeling.sink;

import io.gourmetgram.loop.support.lifecycle.WorkerThreads;
import io.gourmetgram.loop.events.LabelingReceipt;
import io.gourmetgram.loop.support.labels.ModelLabels;
import io.gourmetgram.loop.events.ObjectRef;
import io.gourmetgram.loop.support.deadletter.DeadLetterPublisher;
import io.gourmetgram.loop.events.topics.Topics;
import io.gourmetgram.loop.labeling.annotations.AnnotationLedger;
import io.gourmetgram.loop.labeling.config.LabelingProperties;
import io.gourmetgram.loop.labeling.images.ImageLinks;
import io.gourmetgram.loop.labeling.kafka.TopicReplay;
import io.gourmetgram.loop.labeling.labelstudio.LabelStudioClient;
import io.gourmetgram.loop.labeling.labelstudio.LabelStudioException;
import io.gourmetgram.loop.labeling.project.ReviewProject;
import io.gourmetgram.loop.labeling.receipts.ReceiptBook;
import io.gourmetgram.loop.labeling.tasks.TaskPusher;
import io.gourmetgram.loop.support.retry.Backoff;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * The stage's life: rebuild memory from Kafka (receipts, annotations), connect to Label Studio
 * (retrying with back-off until it answers), adopt tasks imported before a crash, then push tasks
 * and reconcile annotations. Without LABEL_STUDIO_URL it only says, now and then, that requests
 * are waiting in Kafka.
 */
@Component
public class LabelingSink implements SmartLifecycle, HealthIndicator {

    static final String GROUP_ID = "labeling-sink";
    private static final Logger log = LoggerFactory.getLogger(LabelingSink.class);

    private final LabelingProperties properties;
    private final KafkaProperties kafka;
    private final ReceiptBook receipts;
    private final AnnotationLedger ledger;
    private final ImageLinks images;
    private final DeadLetterPublisher deadLetters;
    private final ModelLabels labels;
    private final Clock clock;
    private volatile LabelStudioClient client;
    private volatile Long projectId;
    private volatile TaskPusher pusher;
    private volatile boolean running;
    private Thread worker;

    public LabelingSink(LabelingProperties properties, KafkaProperties kafka, ReceiptBook receipts, AnnotationLedger ledger,
                        ImageLinks images, DeadLetterPublisher deadLetters, ModelLabels labels, Clock clock) {
        this.properties = properties;
        this.kafka = kafka;
        this.receipts = receipts;
        this.ledger = ledger;
        this.images = images;
        this.deadLetters = deadLetters;
        this.labels = labels;
        this.clock = clock;
    }

    @Override
    public void start() {
        running = true;
        receipts.load(consumerConfig());
        TopicReplay.readAll(consumerConfig(), Topics.ANNOTATIONS, ledger::remember);
        if (!properties.labelStudioConfigured()) {
            log.warn("LABEL_STUDIO_URL is not set: labeling requests wait in Kafka (consumer group '{}' lag shows how many) "
                    + "until Label Studio is configured", GROUP_ID);
            return;
        }
        properties.requireLabelStudioSettings();
        client = new LabelStudioClient(properties.labelStudioUrl(), properties.labelStudioApiKey(), properties.timeout(), clock);
        worker = Thread.ofPlatform().name("labeling-sink").start(this::connectThenPush);
    }

    private void connectThenPush() {
        Backoff backoff = new Backoff(properties.backoffMin(), properties.backoffMax());
        while (running && projectId == null) {
            try {
                long id = ReviewProject.bootstrap(client, properties.projectTitle(), labels.labels(), properties.publicUrl(),
                        properties.webhookSecret());
                adoptImportedTasks(id);
                projectId = id;
            } catch (LabelStudioException e) {
                Duration wait = backoff.next();
                log.warn("Cannot reach Label Studio yet ({}); requests wait in Kafka; retrying in {}", e.getMessage(), wait);
                sleep(wait);
            }
        }
        if (!running) {
            return;
        }
        Map<String, Object> config = consumerConfig();
        config.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP_ID);
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, properties.batchSize() * 4);
        pusher = new TaskPusher(new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer()), client,
                projectId, receipts, images, deadLetters, properties.batchSize(),
                new Backoff(properties.backoffMin(), properties.backoffMax()), clock);
        pusher.run();
    }

    /** Tasks in Label Studio without a receipt were imported just before a crash: adopt them, never re-import. */
    private void adoptImportedTasks(long id) {
        int adopted = 0;
        for (JsonNode task : client.tasks(id)) {
            String uploadId = task.path("data").path("uploadId").asString("");
            if (!uploadId.isBlank() && receipts.find(uploadId).isEmpty()) {
                JsonNode meta = task.path("meta");
                receipts.record(new LabelingReceipt(uploadId, id, task.path("id").asLong(),
                        task.path("data").path("revision").asInt(1),
                        new ObjectRef(meta.path("bucket").asString(), meta.path("key").asString()), clock.instant()));
                adopted++;
            }
        }
        if (adopted > 0) {
            log.info("Adopted {} Label Studio tasks that had no receipt (imported just before a restart)", adopted);
        }
    }

    /**
     * Label Studio does not retry webhooks: every interval, read the project's tasks and publish any
     * annotation version (or deletion) we have not published yet.
     */
    @Scheduled(fixedDelayString = "${gourmetgram.labeling.reconcile-interval}")
    public void reconcileAnnotations() {
        Long id = projectId;
        if (id == null) {
            if (!properties.labelStudioConfigured()) {
                log.info("Label Studio is not configured; labeling requests keep waiting in Kafka");
            }
            return;
        }
        try {
            int published = 0;
            for (JsonNode task : client.tasks(id)) {
                java.util.Set<Long> present = new java.util.HashSet<>();
                for (JsonNode annotation : task.path("annotations")) {
                    present.add(annotation.path("id").asLong());
                    if (ledger.publish(task, annotation, true)) {
                        published++;
                    }
                }
                published += ledger.retractMissing(task.path("data").path("uploadId").asString(""), present);
            }
            if (published > 0) {
                log.info("Reconciliation published {} annotation changes that no webhook had delivered", published);
            }
        } catch (LabelStudioException e) {
            log.warn("Annotation reconciliation skipped: {}", e.getMessage());
        }
    }

    @Override
    public void stop() {
        running = false;
        if (pusher != null) {
            pusher.stop();
        }
        if (worker != null) {
            worker.interrupt();
            WorkerThreads.awaitStop(worker, Duration.ofSeconds(10));
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public Health health() {
        if (!properties.labelStudioConfigured()) {
            return Health.up().withDetail("labelStudio", "not configured: requests wait in Kafka").build();
        }
        if (projectId == null) {
            return Health.up().withDetail("labelStudio", "connecting").build();
        }
        TaskPusher p = pusher;
        String problem = p == null ? null : p.lastProblem();
        return Health.up().withDetail("project", projectId).withDetail("receipts", receipts.size())
                .withDetail("labelStudio", problem == null ? "ok" : "backing off: " + problem).build();
    }

    /** Spring's consumer settings (bootstrap servers, security), so every client of the stage connects alike. */
    private Map<String, Object> consumerConfig() {
        Map<String, Object> config = new HashMap<>(kafka.buildConsumerProperties());
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, String.join(",", kafka.getBootstrapServers()));
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return config;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis()); // back-off between connection attempts in the worker thread
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
