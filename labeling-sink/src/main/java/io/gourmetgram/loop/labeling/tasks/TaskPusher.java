package io.gourmetgram.loop.labeling.tasks;

import io.gourmetgram.loop.events.LabelingReceipt;
import io.gourmetgram.loop.events.LabelingRequest;
import io.gourmetgram.loop.events.RequestState;
import io.gourmetgram.loop.events.topics.Topics;
import io.gourmetgram.loop.labeling.errors.DeadLetterReason;
import io.gourmetgram.loop.labeling.errors.LabelingDeadLetters;
import io.gourmetgram.loop.labeling.images.ImageLinks;
import io.gourmetgram.loop.labeling.labelstudio.ImportOutcomeUnknownException;
import io.gourmetgram.loop.labeling.labelstudio.LabelStudioClient;
import io.gourmetgram.loop.labeling.labelstudio.LabelStudioException;
import io.gourmetgram.loop.labeling.labelstudio.LabelStudioTask;
import io.gourmetgram.loop.labeling.project.ReviewProject;
import io.gourmetgram.loop.labeling.receipts.ReceiptBook;
import io.gourmetgram.loop.support.kafka.PolledBatch;
import io.gourmetgram.loop.support.kafka.UploadKeys;
import io.gourmetgram.loop.support.retry.Backoff;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes {@code labeling-requests} and makes Label Studio match: one task per upload, imported in
 * batches, its data updated when a later revision arrives; {@code skipped_budget} requests are not
 * imported. A receipt is written for every task before the offsets are committed.
 *
 * <p>What a failure means decides what happens: a record that can never succeed (unreadable,
 * incomplete, refused by Label Studio) is dead-lettered alone; a task Label Studio deleted is
 * imported again; a deleted project is found or re-created; an import whose outcome is unknown is
 * resolved by adopting the tasks Label Studio made; everything else (Label Studio unavailable,
 * Kafka timeouts, a bug) rewinds the poll and backs off, pausing the assignment but still polling
 * so the group keeps us — records a rebalance hands us meanwhile are rewound too, never skipped.
 */
public final class TaskPusher implements Runnable {

    /** Settings of the push loop. */
    public record Settings(int batchSize, Duration importSettle) {}

    private static final Logger log = LoggerFactory.getLogger(TaskPusher.class);
    /** How far Label Studio's clock, or the request's producer's, may be behind ours. */
    private static final Duration CLOCK_SKEW = Duration.ofMinutes(10);

    private final Consumer<String, byte[]> consumer;
    private final LabelStudioClient client;
    private final ReviewProject project;
    private final ReceiptBook receipts;
    private final Runnable catchUpWithReceipts;
    private final ImageLinks images;
    private final LabelingDeadLetters deadLetters;
    private final Settings settings;
    private final Backoff backoff;
    private final Clock clock;
    private final Counter pushed;
    private final Counter updated;
    private volatile boolean running = true;
    private volatile String lastProblem;
    private volatile Instant heartbeat;
    private volatile int inHand;
    private volatile Set<TopicPartition> owned = Set.of();
    private boolean backingOff;
    /**
     * Set when partitions were handed to us (at start too) or a batch failed: the requests in hand may have been
     * imported by their last owner, or by us before the failure, without a receipt. The next batch catches up with
     * the receipts and adopts such tasks before importing anything.
     */
    private boolean catchUpNeeded = true;

    public TaskPusher(
            Consumer<String, byte[]> consumer,
            LabelStudioClient client,
            ReviewProject project,
            ReceiptBook receipts,
            Runnable catchUpWithReceipts,
            ImageLinks images,
            LabelingDeadLetters deadLetters,
            Settings settings,
            Backoff backoff,
            Clock clock,
            MeterRegistry meters) {
        this.consumer = consumer;
        this.client = client;
        this.project = project;
        this.receipts = receipts;
        this.catchUpWithReceipts = catchUpWithReceipts;
        this.images = images;
        this.deadLetters = deadLetters;
        this.settings = settings;
        this.clock = clock;
        this.backoff = backoff;
        this.heartbeat = clock.instant();
        this.pushed = pushedCounter(meters, "imported");
        this.updated = pushedCounter(meters, "updated");
    }

    /**
     * Registers the tasks-pushed counters at 0. Called at start-up, before Label Studio answers, so dashboards and
     * alert rules find the series even while no task could be pushed yet.
     */
    public static void registerMetrics(MeterRegistry meters) {
        pushedCounter(meters, "imported");
        pushedCounter(meters, "updated");
    }

    private static Counter pushedCounter(MeterRegistry meters, String kind) {
        return Counter.builder("gourmetgram.labeling.tasks.pushed")
                .tag("kind", kind)
                .description(
                        "Review tasks imported (or adopted after an import with unknown outcome) or updated in Label Studio")
                .register(meters);
    }

    @Override
    public void run() {
        try {
            consumer.subscribe(List.of(Topics.LABELING_REQUESTS.name()), new Rebalance());
            while (running) {
                heartbeat = clock.instant();
                ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(500));
                if (records.isEmpty()) {
                    continue;
                }
                inHand = records.count();
                try {
                    boolean adoptFirst = catchUpNeeded;
                    catchUpNeeded = false; // set again by a rebalance or a failure
                    if (adoptFirst) {
                        catchUpWithReceipts
                                .run(); // partitions were just handed to us: see the receipts their last owner wrote
                    }
                    push(records, adoptFirst);
                    consumer.commitSync(PolledBatch.nextOffsets(records));
                    if (lastProblem != null) {
                        log.info("Tasks flow again; draining the backlog");
                    }
                    lastProblem = null;
                    backoff.reset();
                    inHand = 0;
                } catch (WakeupException e) {
                    throw e;
                } catch (RuntimeException e) {
                    waitOut(records, e);
                }
            }
        } catch (WakeupException e) {
            // stopping
        } finally {
            consumer.close();
        }
    }

    public void stop() {
        running = false;
        consumer.wakeup();
    }

    /** Why tasks are not flowing right now, or null when they are. */
    public String lastProblem() {
        return lastProblem;
    }

    /** When the loop last went round. */
    public Instant heartbeat() {
        return heartbeat;
    }

    /** Requests polled and not yet committed. */
    public int inHand() {
        return inHand;
    }

    /** Whether this replica owns partition {@code partition} of labeling-requests now. */
    public boolean owns(int partition) {
        return owned.contains(new TopicPartition(Topics.LABELING_REQUESTS.name(), partition));
    }

    private void push(ConsumerRecords<String, byte[]> records, boolean adoptFirst) {
        Map<String, LabelingRequest> latest = new LinkedHashMap<>();
        Map<String, ConsumerRecord<String, byte[]>> sources = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            LabelingRequest request;
            try {
                request = Topics.LABELING_REQUESTS.valueSerde().deserialize(record.topic(), record.value());
            } catch (SerializationException e) {
                deadLetters.request(record, DeadLetterReason.CORRUPT, e);
                continue;
            }
            if (request == null) {
                continue; // a tombstone: nothing to label
            }
            String missing = missingField(request);
            if (missing != null) {
                deadLetters.request(
                        record,
                        DeadLetterReason.INCOMPLETE,
                        new IllegalArgumentException("labeling request without " + missing));
                continue;
            }
            try {
                UploadKeys.requireMatch(record.topic(), record.key(), request.uploadId());
            } catch (UploadKeys.KeyMismatchException e) {
                deadLetters.request(record, DeadLetterReason.KEY_MISMATCH, e);
                continue;
            }
            LabelingRequest before = latest.get(request.uploadId());
            if (before == null || request.revision() >= before.revision()) {
                latest.put(request.uploadId(), request);
                sources.put(request.uploadId(), record);
            }
        }
        long projectId = project.id();
        List<LabelingRequest> toImport = new ArrayList<>();
        for (LabelingRequest request : latest.values()) {
            LabelingReceipt receipt =
                    receipts.find(request.uploadId(), projectId).orElse(null);
            if (receipt == null) {
                if (request.state() == RequestState.OPEN) {
                    toImport.add(request);
                }
            } else if (request.revision() > receipt.revision()) {
                update(request, receipt, sources.get(request.uploadId()), toImport);
            }
        }
        if (adoptFirst && !toImport.isEmpty()) {
            toImport = adoptExisting(projectId, toImport, sources);
        }
        for (int from = 0; from < toImport.size(); from += settings.batchSize()) {
            importBatch(toImport.subList(from, Math.min(toImport.size(), from + settings.batchSize())), sources);
        }
    }

    private void update(
            LabelingRequest request,
            LabelingReceipt receipt,
            ConsumerRecord<String, byte[]> source,
            List<LabelingRequest> toImport) {
        try {
            client.updateTaskData(receipt.taskId(), TaskData.data(request, images.linkFor(request.uploadId())));
            receipts.record(new LabelingReceipt(
                    request.uploadId(),
                    receipt.projectId(),
                    receipt.taskId(),
                    request.revision(),
                    request.object(),
                    clock.instant()));
            updated.increment();
        } catch (LabelStudioException e) {
            if (e.notFound()) {
                log.warn(
                        "Task {} of upload {} is gone from Label Studio (deleted?); importing revision {} as a new task",
                        receipt.taskId(),
                        request.uploadId(),
                        request.revision());
                toImport.add(request);
            } else if (e.refusedForThisObject() || e.rejectsTheData()) {
                deadLetters.request(
                        source,
                        e.rejectsTheData()
                                ? DeadLetterReason.REJECTED_BY_LABEL_STUDIO
                                : DeadLetterReason.REFUSED_BY_LABEL_STUDIO,
                        e);
            } else {
                throw e;
            }
        }
    }

    private void importBatch(List<LabelingRequest> batch, Map<String, ConsumerRecord<String, byte[]>> sources) {
        long projectId = project.id();
        try {
            importTasks(projectId, batch);
        } catch (ImportOutcomeUnknownException e) {
            log.warn("{}; adopting what Label Studio made before importing anything again", e.getMessage());
            List<LabelingRequest> notFound =
                    adopt(projectId, batch, clock.instant().minus(CLOCK_SKEW));
            if (!notFound.isEmpty()) {
                // Known now not to exist: the retry (after back-off) imports just these, as they have no receipt.
                throw new LabelStudioException(
                        "import tasks",
                        0,
                        notFound.size()
                                + " tasks of an import with unknown outcome were never created; importing them again");
            }
        } catch (LabelStudioException e) {
            if (e.notFound()) {
                project.lost(projectId); // the project is gone: the retry finds or re-creates it
                throw e;
            }
            if (!e.rejectsTheData()) {
                throw e;
            }
            if (batch.size() == 1) {
                deadLetters.request(
                        sources.get(batch.getFirst().uploadId()), DeadLetterReason.REJECTED_BY_LABEL_STUDIO, e);
                return;
            }
            for (LabelingRequest single : batch) { // find the task Label Studio will not take; import the others
                importBatch(List.of(single), sources);
            }
        }
    }

    private void importTasks(long projectId, List<LabelingRequest> batch) {
        List<Long> taskIds = client.importTasks(
                projectId,
                batch.stream()
                        .map(r -> TaskData.task(r, images.linkFor(r.uploadId())))
                        .toList());
        Instant now = clock.instant();
        List<LabelingReceipt> made = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            LabelingRequest r = batch.get(i);
            made.add(new LabelingReceipt(r.uploadId(), projectId, taskIds.get(i), r.revision(), r.object(), now));
        }
        receipts.recordAll(made); // should this fail, the retry adopts these tasks (adoptExisting)
        pushed.increment(batch.size());
        log.info("Imported {} review tasks into Label Studio project {}", batch.size(), projectId);
    }

    /**
     * Finds the batch's tasks among those Label Studio changed since {@code since} and writes their
     * receipts. An asynchronous import may show its tasks late, so this looks again until
     * {@code importSettle} has passed; what is still missing then was never created.
     */
    private List<LabelingRequest> adopt(long projectId, List<LabelingRequest> batch, Instant since) {
        Instant giveUp = clock.instant().plus(settings.importSettle());
        Map<String, LabelingRequest> missing = new LinkedHashMap<>();
        batch.forEach(r -> missing.put(r.uploadId(), r));
        while (true) {
            for (LabelStudioTask task : client.tasksUpdatedAfter(projectId, since)) {
                LabelingRequest r = missing.get(task.uploadId());
                if (r != null && task.revision() == r.revision()) {
                    receipts.record(new LabelingReceipt(
                            r.uploadId(), projectId, task.id(), r.revision(), r.object(), clock.instant()));
                    missing.remove(r.uploadId());
                }
            }
            int adopted = batch.size() - missing.size();
            if (missing.isEmpty() || clock.instant().isAfter(giveUp)) {
                log.info(
                        "Adopted {} of {} tasks of an import with unknown outcome; {} to import again",
                        adopted,
                        batch.size(),
                        missing.size());
                pushed.increment(adopted);
                return List.copyOf(missing.values());
            }
            pause(Duration.ofMillis(Math.min(1000, settings.importSettle().toMillis() / 4 + 1)));
        }
    }

    /**
     * Requests without a receipt in the first batch after a (re)assignment or a failure: their last owner (or we,
     * before the failure) may have imported them and stopped before writing the receipts. Reconciliation adopts
     * such tasks too, but only on its next pass — too late if the request comes first. So look in Label Studio
     * (tasks changed since shortly before the oldest request was written; a task is never older than its request)
     * and adopt what is there; answers the requests still to import.
     */
    private List<LabelingRequest> adoptExisting(
            long projectId, List<LabelingRequest> requests, Map<String, ConsumerRecord<String, byte[]>> sources) {
        Map<String, LabelingRequest> byUpload = new LinkedHashMap<>();
        long oldest = Long.MAX_VALUE;
        for (LabelingRequest r : requests) {
            byUpload.put(r.uploadId(), r);
            oldest = Math.min(oldest, sources.get(r.uploadId()).timestamp());
        }
        Instant since = Instant.ofEpochMilli(oldest).minus(CLOCK_SKEW);
        Map<String, LabelStudioTask> existing = new HashMap<>();
        for (LabelStudioTask task : client.tasksUpdatedAfter(projectId, since)) {
            if (byUpload.containsKey(task.uploadId()) && task.object() != null) {
                existing.merge(task.uploadId(), task, (a, b) -> a.id() <= b.id() ? a : b);
            }
        }
        List<LabelingRequest> toImport = new ArrayList<>();
        Map<LabelingRequest, LabelingReceipt> adopted = new LinkedHashMap<>();
        for (LabelingRequest r : byUpload.values()) {
            LabelStudioTask task = existing.get(r.uploadId());
            if (task == null) {
                toImport.add(r);
            } else {
                adopted.put(
                        r,
                        new LabelingReceipt(
                                r.uploadId(), projectId, task.id(), task.revision(), task.object(), clock.instant()));
            }
        }
        receipts.recordAll(List.copyOf(adopted.values()));
        adopted.forEach((r, receipt) -> {
            if (r.revision() > receipt.revision()) {
                update(r, receipt, sources.get(r.uploadId()), toImport);
            }
        });
        if (!existing.isEmpty()) {
            pushed.increment(existing.size());
            log.info(
                    "Adopted {} tasks Label Studio already had for requests without a receipt (imported before a"
                            + " crash or a failure); importing {}",
                    existing.size(),
                    toImport.size());
        }
        return toImport;
    }

    private static String missingField(LabelingRequest r) {
        if (r.uploadId() == null || r.uploadId().isBlank()) {
            return "uploadId";
        }
        if (r.state() == null) {
            return "state";
        }
        if (r.prediction() == null
                || r.prediction().model() == null
                || r.prediction().label() == null) {
            return "prediction (with model and label)";
        }
        if (r.prediction().object() == null
                || r.prediction().object().bucket() == null
                || r.prediction().object().key() == null) {
            return "prediction.object (bucket and key)";
        }
        return null;
    }

    /** Rewind, pause and back off; keep polling (paused) so the group does not evict us. */
    private void waitOut(ConsumerRecords<String, byte[]> records, RuntimeException e) {
        lastProblem = e.getMessage() == null ? e.toString() : e.getMessage();
        Duration wait = backoff.next();
        if (e instanceof LabelStudioException ls && ls.unavailable()
                || e instanceof org.apache.kafka.common.KafkaException) {
            log.warn("{}; requests stay in Kafka, retrying in {}", lastProblem, wait);
        } else {
            log.error("Unexpected failure while pushing tasks; requests stay in Kafka, retrying in {}", wait, e);
        }
        backingOff = true;
        catchUpNeeded = true; // the retry may meet tasks this attempt imported before it failed
        try {
            rewind(records);
            consumer.pause(consumer.assignment());
            long until = System.nanoTime() + wait.toNanos();
            while (running && System.nanoTime() < until) {
                heartbeat = clock.instant();
                ConsumerRecords<String, byte[]> arrived = consumer.poll(Duration.ofMillis(100));
                if (!arrived.isEmpty()) {
                    // A rebalance handed us partitions that are not paused: read them again later, never skip them.
                    rewind(arrived);
                    consumer.pause(arrived.partitions());
                }
            }
            consumer.resume(consumer.paused());
        } finally {
            backingOff = false;
        }
    }

    /** Seeks back to the first record of every partition we still own. */
    private void rewind(ConsumerRecords<String, byte[]> records) {
        PolledBatch.rewind(consumer, records);
    }

    private void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis()); // waiting for an asynchronous import to show its tasks
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WakeupException();
        }
    }

    /** Keeps track of what we own; partitions handed to us while backing off stay paused. */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            Set<TopicPartition> now = new HashSet<>(owned);
            now.removeAll(partitions);
            owned = Set.copyOf(now);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            Set<TopicPartition> now = new HashSet<>(owned);
            now.addAll(partitions);
            owned = Set.copyOf(now);
            if (!partitions.isEmpty()) {
                catchUpNeeded = true;
                if (backingOff) {
                    consumer.pause(partitions);
                }
            }
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            onPartitionsRevoked(partitions);
        }
    }
}
