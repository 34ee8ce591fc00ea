package io.gourmetgram.loop.labeling.sink;

import io.gourmetgram.loop.events.Annotation;
import io.gourmetgram.loop.events.LabelingReceipt;
import io.gourmetgram.loop.events.topics.Topics;
import io.gourmetgram.loop.labeling.annotations.AnnotationLedger;
import io.gourmetgram.loop.labeling.annotations.AnnotationReconciler;
import io.gourmetgram.loop.labeling.config.LabelingProperties;
import io.gourmetgram.loop.labeling.errors.LabelingDeadLetters;
import io.gourmetgram.loop.labeling.images.ImageLinks;
import io.gourmetgram.loop.labeling.kafka.TopicFollower;
import io.gourmetgram.loop.labeling.labelstudio.LabelStudioClient;
import io.gourmetgram.loop.labeling.labelstudio.LabelStudioException;
import io.gourmetgram.loop.labeling.project.ReviewProject;
import io.gourmetgram.loop.labeling.receipts.ReceiptBook;
import io.gourmetgram.loop.labeling.tasks.TaskPusher;
import io.gourmetgram.loop.support.labels.ModelLabels;
import io.gourmetgram.loop.support.lifecycle.WorkerThreads;
import io.gourmetgram.loop.support.retry.Backoff;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
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

/**
 * The stage's life: follow {@code labeling-receipts} and {@code annotations} (so every replica
 * knows what any replica wrote), connect to Label Studio (retrying with back-off until it
 * answers), then push tasks and reconcile annotations. Without LABEL_STUDIO_URL it only says, now
 * and then, that requests are waiting in Kafka. Health is DOWN, with the reason, when the worker
 * thread died, when it holds requests and has not moved for {@code stall-timeout}, or when a
 * follower stopped.
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
    private final LabelingDeadLetters deadLetters;
    private final ModelLabels labels;
    private final MeterRegistry meters;
    private final Clock clock;
    private TopicFollower<LabelingReceipt> receiptFollower;
    private TopicFollower<Annotation> annotationFollower;
    private volatile LabelStudioClient client;
    private volatile ReviewProject project;
    private volatile AnnotationReconciler reconciler;
    private volatile TaskPusher pusher;
    private volatile String connectProblem;
    private volatile Throwable workerDied;
    private volatile boolean running;
    private Thread worker;

    public LabelingSink(
            LabelingProperties properties,
            KafkaProperties kafka,
            ReceiptBook receipts,
            AnnotationLedger ledger,
            ImageLinks images,
            LabelingDeadLetters deadLetters,
            ModelLabels labels,
            MeterRegistry meters,
            Clock clock) {
        this.properties = properties;
        this.kafka = kafka;
        this.receipts = receipts;
        this.ledger = ledger;
        this.images = images;
        this.deadLetters = deadLetters;
        this.labels = labels;
        this.meters = meters;
        this.clock = clock;
        TaskPusher.registerMetrics(meters);
    }

    @Override
    public void start() {
        running = true;
        receiptFollower =
                new TopicFollower<>(consumerConfig(), Topics.LABELING_RECEIPTS, receipts::remember, meters).start();
        annotationFollower =
                new TopicFollower<>(consumerConfig(), Topics.ANNOTATIONS, ledger::remember, meters).start();
        receipts.catchUpWith(() -> receiptFollower.awaitCaughtUp(properties.catchUpTimeout()));
        try {
            receiptFollower.awaitCaughtUp(properties.catchUpTimeout());
            annotationFollower.awaitCaughtUp(properties.catchUpTimeout());
        } catch (RuntimeException e) {
            log.warn(
                    "Not caught up with receipts and annotations at start ({}); carrying on, the worker catches up before "
                            + "it pushes anything",
                    e.getMessage());
        }
        if (!properties.labelStudioConfigured()) {
            log.warn(
                    "LABEL_STUDIO_URL is not set: labeling requests wait in Kafka (consumer group '{}' lag shows how many) "
                            + "until Label Studio is configured",
                    GROUP_ID);
            return;
        }
        properties.requireLabelStudioSettings();
        client = new LabelStudioClient(
                properties.labelStudioUrl(), properties.labelStudioApiKey(), properties.timeout(), clock, meters);
        project = new ReviewProject(
                client,
                properties.projectTitle(),
                labels.labels(),
                properties.webhookBaseUrl(),
                properties.webhookSecret());
        reconciler = new AnnotationReconciler(client, ledger, receipts, properties.sweepInterval(), clock);
        worker = Thread.ofPlatform().name("labeling-sink").unstarted(this::connectThenPush);
        worker.setUncaughtExceptionHandler((thread, e) -> {
            workerDied = e;
            log.error("The labeling-sink worker stopped: {}", e.toString(), e);
        });
        worker.start();
    }

    private void connectThenPush() {
        Backoff backoff = new Backoff(properties.backoffMin(), properties.backoffMax());
        while (running && project.knownId() == null) {
            try {
                project.id();
                connectProblem = null;
            } catch (RuntimeException e) {
                connectProblem = e.getMessage();
                Duration wait = backoff.next();
                log.warn(
                        "Cannot use Label Studio yet ({}); requests wait in Kafka; retrying in {}",
                        e.getMessage(),
                        wait);
                sleep(wait);
            }
        }
        if (!running) {
            return;
        }
        Map<String, Object> config = consumerConfig();
        config.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP_ID);
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, properties.batchSize() * 4);
        KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
        try (KafkaClientMetrics consumerMetrics = new KafkaClientMetrics(consumer)) {
            consumerMetrics.bindTo(meters);
            pusher = new TaskPusher(
                    consumer,
                    client,
                    project,
                    receipts,
                    receipts::catchUp,
                    images,
                    deadLetters,
                    new TaskPusher.Settings(properties.batchSize(), properties.importSettle()),
                    new Backoff(properties.backoffMin(), properties.backoffMax()),
                    clock,
                    meters);
            pusher.run();
        }
    }

    /**
     * Label Studio does not retry webhooks: every interval, publish what webhooks missed, and make
     * sure the webhook is still registered as it should be. One replica does it: the one that owns
     * partition 0 of labeling-requests.
     */
    @Scheduled(fixedDelayString = "${gourmetgram.labeling.reconcile-interval}")
    public void reconcileAnnotations() {
        if (!properties.labelStudioConfigured()) {
            log.info("Label Studio is not configured; labeling requests keep waiting in Kafka");
            return;
        }
        ReviewProject p = project;
        TaskPusher tasks = pusher;
        if (p == null || p.knownId() == null || tasks == null || !tasks.owns(0)) {
            return;
        }
        long id = p.knownId();
        try {
            p.ensureWebhook();
            reconciler.reconcile(id);
        } catch (LabelStudioException e) {
            if (e.notFound()) {
                p.lost(id);
            }
            log.warn("Annotation reconciliation skipped: {}", e.getMessage());
        } catch (RuntimeException e) {
            log.warn("Annotation reconciliation failed; next interval tries again", e);
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
        if (receiptFollower != null) {
            receiptFollower.close();
            annotationFollower.close();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public Health health() {
        Map<String, Object> details = new HashMap<>();
        details.put("receipts", receipts.size());
        String followerProblem = receiptFollower == null
                ? null
                : receiptFollower.problem() != null ? receiptFollower.problem() : annotationFollower.problem();
        if (followerProblem != null) {
            return Health.down()
                    .withDetails(details)
                    .withDetail("reason", followerProblem)
                    .build();
        }
        if (!properties.labelStudioConfigured()) {
            return Health.up()
                    .withDetails(details)
                    .withDetail("labelStudio", "not configured: requests wait in Kafka")
                    .build();
        }
        String stalled = WorkerWatch.problem(
                worker,
                workerDied,
                pusher == null ? null : pusher.heartbeat(),
                pusher == null ? 0 : pusher.inHand(),
                properties.stallTimeout(),
                clock.instant());
        if (running && stalled != null) {
            return Health.down()
                    .withDetails(details)
                    .withDetail("reason", stalled)
                    .build();
        }
        Long id = project == null ? null : project.knownId();
        if (id == null) {
            return Health.up()
                    .withDetails(details)
                    .withDetail("labelStudio", "connecting" + (connectProblem == null ? "" : ": " + connectProblem))
                    .build();
        }
        TaskPusher p = pusher;
        String problem = p == null ? null : p.lastProblem();
        return Health.up()
                .withDetails(details)
                .withDetail("project", id)
                .withDetail("labelStudio", problem == null ? "ok" : "backing off: " + problem)
                .build();
    }

    /** Spring's {@code spring.kafka.*} client settings (TLS, SASL, …) plus what this stage needs. */
    private Map<String, Object> consumerConfig() {
        Map<String, Object> config = new HashMap<>(kafka.buildConsumerProperties());
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
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
