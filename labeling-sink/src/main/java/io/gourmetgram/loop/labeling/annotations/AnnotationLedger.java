package io.gourmetgram.loop.labeling.annotations;

import io.gourmetgram.loop.events.Annotation;
import io.gourmetgram.loop.events.AnnotationAction;
import io.gourmetgram.loop.events.EventJson;
import io.gourmetgram.loop.events.topics.Topics;
import io.gourmetgram.loop.labeling.errors.DeadLetterReason;
import io.gourmetgram.loop.labeling.errors.LabelingDeadLetters;
import io.gourmetgram.loop.labeling.labelstudio.LabelStudioAnnotation;
import io.gourmetgram.loop.labeling.labelstudio.LabelStudioTask;
import io.gourmetgram.loop.labeling.receipts.ReceiptBook;
import io.gourmetgram.loop.labeling.state.LocalTable;
import io.gourmetgram.loop.support.labels.ModelLabels;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns Label Studio annotations into {@code annotations} events: each version (annotation id +
 * updated-at, or its deletion) once, whether it came by webhook or by reconciliation, and again
 * when an annotation reappears after a retraction. Holds the last event per annotation (bounded by
 * the number of annotations, not versions; on disk, in a {@link LocalTable}), kept current from the topic on every
 * replica. Sends
 * do not wait: the entry is recorded at once and undone if Kafka refuses it, so the next
 * reconciliation publishes it again. A webhook annotation whose task has no receipt yet (the
 * annotator beat the receipt write) is held, not dead-lettered, until the receipt is known or the
 * patience runs out.
 */
public final class AnnotationLedger implements AutoCloseable {

    /** What became of an annotation handed to the ledger. */
    public enum Outcome {
        PUBLISHED,
        ALREADY_PUBLISHED,
        NOT_OURS,
        NO_LABEL,
        /** Held: its task's receipt is not known yet (see {@link #settleAwaitingReceipts()}). */
        AWAITING_RECEIPT,
        DEAD_LETTERED
    }

    /** A webhook annotation held until its task's receipt is known, or its patience runs out. */
    private record Held(LabelStudioTask task, LabelStudioAnnotation annotation, Instant since) {}

    /** Beyond this many held annotations, one without a receipt is dead-lettered at once (memory bound). */
    static final int MAX_HELD = 10_000;

    private static final Logger log = LoggerFactory.getLogger(AnnotationLedger.class);
    private static final byte[] NOTHING = new byte[0];

    private final Producer<byte[], byte[]> producer;
    private final ReceiptBook receipts;
    private final Set<String> labels;
    private final LabelingDeadLetters deadLetters;
    private final Clock clock;
    /**
     * {@code a<annotation id>} → the last event published for it (a deletion payload names only the annotation), and
     * {@code t<task id><annotation id>} → nothing, to find a task's annotations. On disk: one per annotation ever.
     */
    private final LocalTable latest;
    /** Versions already dead-lettered in this process, so a reconciliation pass does not repeat them. */
    private final Set<String> deadLettered = ConcurrentHashMap.newKeySet();
    /** version → webhook annotation whose receipt was not known yet (Label Studio never re-delivers a webhook). */
    private final Map<String, Held> awaitingReceipt = new ConcurrentHashMap<>();

    private final Duration receiptPatience;
    private final Counter heldForReceipt;

    public AnnotationLedger(
            Producer<byte[], byte[]> producer,
            ReceiptBook receipts,
            ModelLabels labels,
            LabelingDeadLetters deadLetters,
            Clock clock,
            Duration receiptPatience,
            MeterRegistry meters,
            Path stateDir) {
        this.producer = producer;
        this.latest = new LocalTable(stateDir, "annotations");
        this.receiptPatience = receiptPatience;
        this.heldForReceipt = Counter.builder("gourmetgram.labeling.annotations.awaiting.receipt")
                .description("Webhook annotations held because their task's receipt was not written yet")
                .register(meters);
        Gauge.builder("gourmetgram.labeling.annotations.held", awaitingReceipt, Map::size)
                .description("Webhook annotations currently held for their task's receipt")
                .register(meters);
        this.receipts = receipts;
        this.labels = Set.copyOf(labels.labels());
        this.deadLetters = deadLetters;
        this.clock = clock;
    }

    /** An event read from the annotations topic (ours or another replica's). */
    public void remember(Annotation annotation) {
        byte[] value = encode(annotation);
        latest.update(annotationKey(annotation.annotationId()), old -> {
            if (old == null) {
                return value;
            }
            if (Arrays.equals(old, value)) {
                return old; // our own event coming back from the topic: nothing to decode
            }
            return annotation.at().isBefore(decode(old).at()) ? old : value;
        });
        latest.put(taskKey(annotation.taskId(), annotation.annotationId()), NOTHING);
    }

    /** A created or updated annotation delivered by webhook (current as Label Studio sends it). */
    public Outcome publish(LabelStudioTask task, LabelStudioAnnotation annotation) {
        return publish(task, annotation, null);
    }

    /**
     * A created or updated annotation of a task, as read in a listing taken after {@code readAfter}
     * (null: current). A listing may be stale by the time it is handled, so it never replaces a
     * newer version, and it re-publishes a retracted annotation (it reappeared) only when the
     * retraction is older than the listing.
     */
    public synchronized Outcome publish(LabelStudioTask task, LabelStudioAnnotation annotation, Instant readAfter) {
        if (!task.ours()) {
            return Outcome.NOT_OURS;
        }
        if (!annotation.hasLabel()) {
            return Outcome.NO_LABEL; // skipped by the annotator: no label to report
        }
        Annotation previous = latest(annotation.id());
        if (previous != null
                && previous.action() != AnnotationAction.DELETED
                && !annotation.updatedAt().isAfter(previous.updatedAt())) {
            return Outcome.ALREADY_PUBLISHED; // this version, or a newer one, is out already
        }
        if (previous != null
                && previous.action() == AnnotationAction.DELETED
                && readAfter != null
                && !previous.at().isBefore(readAfter)) {
            return Outcome.ALREADY_PUBLISHED; // retracted after the listing was read: the listing is stale
        }
        String version = annotation.id() + "@" + annotation.updatedAt();
        if (!labels.contains(annotation.label())) {
            return deadLetter(
                    task,
                    annotation,
                    version,
                    DeadLetterReason.UNKNOWN_LABEL,
                    "label '" + annotation.label() + "' is not one of the model's labels " + labels);
        }
        if (receipts.findCurrent(task.uploadId()).isEmpty()) {
            if (readAfter == null && awaitingReceipt.size() < MAX_HELD) {
                // A fast annotator's webhook can beat the receipt write of the task just imported
                // (or adopted by another replica); reconciliation adopts such a task within a pass.
                if (awaitingReceipt.putIfAbsent(version, new Held(task, annotation, clock.instant())) == null) {
                    heldForReceipt.increment();
                    log.info(
                            "Holding annotation {} of task {}: upload {} has no receipt yet",
                            annotation.id(),
                            task.id(),
                            task.uploadId());
                }
                return Outcome.AWAITING_RECEIPT;
            }
            awaitingReceipt.remove(version);
            return deadLetter(
                    task,
                    annotation,
                    version,
                    DeadLetterReason.NO_RECEIPT,
                    "upload " + task.uploadId() + " of task " + task.id()
                            + " has no receipt: not a task labeling-sink made");
        }
        awaitingReceipt.remove(version);
        AnnotationAction action = previous == null || previous.action() == AnnotationAction.DELETED
                ? AnnotationAction.CREATED
                : AnnotationAction.UPDATED;
        send(
                new Annotation(
                        task.uploadId(),
                        task.id(),
                        annotation.id(),
                        annotation.label(),
                        annotation.annotatorId(),
                        annotation.leadTimeSeconds(),
                        action,
                        annotation.updatedAt(),
                        clock.instant()),
                previous);
        return Outcome.PUBLISHED;
    }

    /**
     * Publishes held webhook annotations whose receipt is now known (written by the worker, or by a
     * reconciliation that adopted the task), and dead-letters those still without one after the
     * patience: a task no replica made. Called every reconciliation interval on every replica.
     *
     * @return how many were published
     */
    public int settleAwaitingReceipts() {
        if (awaitingReceipt.isEmpty()) {
            return 0;
        }
        receipts.catchUp(); // once for all held ones: receipts other replicas wrote meanwhile
        int published = 0;
        Instant giveUp = clock.instant().minus(receiptPatience);
        for (Map.Entry<String, Held> e : awaitingReceipt.entrySet()) {
            Held held = e.getValue();
            String uploadId = held.task().uploadId();
            if (receipts.find(uploadId).isPresent()) {
                awaitingReceipt.remove(e.getKey());
                if (publish(held.task(), held.annotation()) == Outcome.PUBLISHED) {
                    published++;
                }
            } else if (!held.since().isAfter(giveUp) && awaitingReceipt.remove(e.getKey()) != null) {
                deadLetter(
                        held.task(),
                        held.annotation(),
                        e.getKey(),
                        DeadLetterReason.NO_RECEIPT,
                        "upload " + uploadId + " of task " + held.task().id() + " still has no receipt after "
                                + receiptPatience.toSeconds() + " s: not a task labeling-sink made");
            }
        }
        return published;
    }

    /** Retracts a standing annotation; false if none stands (never seen, or already retracted). */
    public synchronized boolean retract(long annotationId) {
        Annotation known = latest(annotationId);
        if (known == null || known.action() == AnnotationAction.DELETED) {
            return false;
        }
        Instant now = clock.instant();
        send(
                new Annotation(
                        known.uploadId(),
                        known.taskId(),
                        annotationId,
                        null,
                        known.annotatorId(),
                        null,
                        AnnotationAction.DELETED,
                        now,
                        now),
                known);
        return true;
    }

    /** Retracts every standing annotation of a deleted task. */
    public int retractTask(long taskId) {
        int retracted = 0;
        for (Annotation a : standingOfTask(taskId)) {
            if (retract(a.annotationId())) {
                retracted++;
            }
        }
        return retracted;
    }

    /**
     * The annotations whose label currently counts on tasks not in {@code taskIds}: what the deletion sweep
     * checks. Reads the whole table but keeps only those (normally none), never every label in the heap.
     */
    public List<Annotation> standingOutside(Set<Long> taskIds) {
        List<Annotation> outside = new ArrayList<>();
        latest.forEachWithPrefix(new byte[] {'a'}, (key, value) -> {
            Annotation a = decode(value);
            if (a.action() != AnnotationAction.DELETED && !taskIds.contains(a.taskId())) {
                outside.add(a);
            }
        });
        return outside;
    }

    /** The task's annotations whose label currently counts. */
    public List<Annotation> standingOfTask(long taskId) {
        List<Long> ids = new ArrayList<>();
        latest.forEachWithPrefix(
                ByteBuffer.allocate(9).put((byte) 't').putLong(taskId).array(),
                (key, value) -> ids.add(ByteBuffer.wrap(key, 9, 8).getLong()));
        List<Annotation> standing = new ArrayList<>();
        for (long id : ids) {
            Annotation a = standing(id);
            if (a != null) {
                standing.add(a);
            }
        }
        return standing;
    }

    /** The standing annotation with this id, if any. */
    public Annotation standing(long annotationId) {
        Annotation a = latest(annotationId);
        return a == null || a.action() == AnnotationAction.DELETED ? null : a;
    }

    @Override
    public void close() {
        latest.close();
    }

    private Annotation latest(long annotationId) {
        return decode(latest.get(annotationKey(annotationId)));
    }

    private static byte[] annotationKey(long annotationId) {
        return ByteBuffer.allocate(9).put((byte) 'a').putLong(annotationId).array();
    }

    private static byte[] taskKey(long taskId, long annotationId) {
        return ByteBuffer.allocate(17)
                .put((byte) 't')
                .putLong(taskId)
                .putLong(annotationId)
                .array();
    }

    private static byte[] encode(Annotation a) {
        return Topics.ANNOTATIONS.valueSerde().serialize(Topics.ANNOTATIONS.name(), a);
    }

    private static Annotation decode(byte[] bytes) {
        return bytes == null ? null : Topics.ANNOTATIONS.valueSerde().deserialize(Topics.ANNOTATIONS.name(), bytes);
    }

    private Outcome deadLetter(
            LabelStudioTask task,
            LabelStudioAnnotation annotation,
            String version,
            DeadLetterReason reason,
            String why) {
        if (deadLettered.add(version)) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("taskId", task.id());
            body.put("uploadId", task.uploadId());
            body.put("annotation", annotation);
            deadLetters.annotation(
                    task.uploadId(), annotation.id(), EventJson.mapper().writeValueAsBytes(body), reason, why);
        }
        return Outcome.DEAD_LETTERED;
    }

    private void send(Annotation annotation, Annotation previous) {
        byte[] value = encode(annotation);
        latest.put(annotationKey(annotation.annotationId()), value);
        latest.put(taskKey(annotation.taskId(), annotation.annotationId()), NOTHING);
        producer.send(
                new ProducerRecord<>(
                        Topics.ANNOTATIONS.name(), annotation.uploadId().getBytes(StandardCharsets.UTF_8), value),
                (metadata, error) -> {
                    if (error != null) {
                        log.warn(
                                "Could not publish annotation {} ({}); reconciliation will publish it again: {}",
                                annotation.annotationId(),
                                annotation.action(),
                                error.toString());
                        undo(annotation.annotationId(), value, previous);
                    }
                });
    }

    /** Runs on the producer's thread: only the table's own short lock, never the ledger's. */
    private void undo(long annotationId, byte[] failed, Annotation previous) {
        latest.update(
                annotationKey(annotationId),
                current -> Arrays.equals(current, failed) ? (previous == null ? null : encode(previous)) : current);
    }
}
