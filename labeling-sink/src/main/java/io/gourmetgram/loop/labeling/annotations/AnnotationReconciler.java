package io.gourmetgram.loop.labeling.annotations;

import io.gourmetgram.loop.events.Annotation;
import io.gourmetgram.loop.events.LabelingReceipt;
import io.gourmetgram.loop.labeling.labelstudio.LabelStudioAnnotation;
import io.gourmetgram.loop.labeling.labelstudio.LabelStudioClient;
import io.gourmetgram.loop.labeling.labelstudio.LabelStudioTask;
import io.gourmetgram.loop.labeling.receipts.ReceiptBook;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Label Studio delivers a webhook once and never retries, so this pass finds what webhooks missed.
 * Incremental: it reads only tasks updated since the newest change it has seen (Label Studio bumps
 * a task's {@code updated_at} when its annotations change), so its cost follows the rate of change,
 * not the project's history. A sweep every {@code sweepInterval} compares task ids, to notice
 * deleted tasks whose TASKS_DELETED webhook was missed.
 *
 * <p>It never retracts a standing label on the strength of a snapshot alone: an annotation missing
 * from a task is retracted only if it was published before the pass began and a fresh read of the
 * task confirms it is gone (a webhook may have published it while the list was being read).
 */
public final class AnnotationReconciler {

    private static final Logger log = LoggerFactory.getLogger(AnnotationReconciler.class);
    /** Re-read this much before the watermark: Label Studio's clock and commit order are not ours. */
    private static final Duration OVERLAP = Duration.ofSeconds(2);

    private final LabelStudioClient client;
    private final AnnotationLedger ledger;
    private final ReceiptBook receipts;
    private final Duration sweepInterval;
    private final Clock clock;
    private Instant watermark = Instant.EPOCH;
    private Instant lastSweep = Instant.EPOCH;
    private Long project;

    public AnnotationReconciler(
            LabelStudioClient client,
            AnnotationLedger ledger,
            ReceiptBook receipts,
            Duration sweepInterval,
            Clock clock) {
        this.client = client;
        this.ledger = ledger;
        this.receipts = receipts;
        this.sweepInterval = sweepInterval;
        this.clock = clock;
    }

    /** One pass over project {@code projectId}; answers how many events it published. */
    public synchronized int reconcile(long projectId) {
        if (project == null || project != projectId) {
            project = projectId; // a new (re-created) project: read it whole and sweep at once
            watermark = Instant.EPOCH;
            lastSweep = Instant.EPOCH;
        }
        Instant passStart = clock.instant();
        int published = 0;
        Instant newest = watermark;
        for (LabelStudioTask task : client.tasksUpdatedAfter(projectId, watermark.minus(OVERLAP))) {
            if (task.updatedAt().isAfter(newest)) {
                newest = task.updatedAt();
            }
            if (!task.ours()) {
                continue;
            }
            adoptIfUnknown(task, projectId);
            Set<Long> present = new HashSet<>();
            for (LabelStudioAnnotation annotation : task.annotations()) {
                present.add(annotation.id());
                if (ledger.publish(task, annotation, passStart) == AnnotationLedger.Outcome.PUBLISHED) {
                    published++;
                }
            }
            // Looked up per changed task (an index), never a walk over every label ever published.
            List<Annotation> standing = ledger.standingOfTask(task.id()).stream()
                    .filter(a -> a.at().isBefore(passStart))
                    .toList();
            published += retractMissing(task.id(), present, standing);
        }
        watermark = newest;
        if (!passStart.isBefore(lastSweep.plus(sweepInterval))) {
            published += sweepDeletedTasks(projectId);
            lastSweep = passStart;
        }
        if (published > 0) {
            log.info("Reconciliation published {} annotation changes that no webhook had delivered", published);
        }
        return published;
    }

    /** A task of ours without a receipt was imported just before a crash: adopt it, so it is never imported again. */
    private void adoptIfUnknown(LabelStudioTask task, long projectId) {
        if (receipts.find(task.uploadId(), projectId).isEmpty() && task.object() != null) {
            receipts.record(new LabelingReceipt(
                    task.uploadId(), projectId, task.id(), task.revision(), task.object(), clock.instant()));
        }
    }

    /** {@code standing}: the task's labels published before the pass began (later ones may be newer than the listing). */
    private int retractMissing(long taskId, Set<Long> present, List<Annotation> standing) {
        List<Annotation> candidates = standing.stream()
                .filter(a -> !present.contains(a.annotationId()))
                .toList();
        if (candidates.isEmpty()) {
            return 0;
        }
        Optional<LabelStudioTask> fresh = client.task(taskId);
        Set<Long> stillThere = new HashSet<>();
        fresh.ifPresent(t -> t.annotations().forEach(a -> stillThere.add(a.id())));
        int retracted = 0;
        for (Annotation a : candidates) {
            if (!stillThere.contains(a.annotationId()) && ledger.retract(a.annotationId())) {
                retracted++;
            }
        }
        return retracted;
    }

    /** Standing labels on tasks the project no longer has (deleted with a missed webhook, or the project re-created). */
    private int sweepDeletedTasks(long projectId) {
        Set<Long> existing = client.taskIds(projectId);
        Instant sweepStart = clock.instant();
        int retracted = 0;
        for (Annotation a : ledger.standingOutside(existing)) {
            if (a.at().isBefore(sweepStart) && client.task(a.taskId()).isEmpty() && ledger.retract(a.annotationId())) {
                retracted++;
            }
        }
        if (retracted > 0) {
            log.info("Retracted {} labels of tasks that are no longer in Label Studio", retracted);
        }
        return retracted;
    }
}
