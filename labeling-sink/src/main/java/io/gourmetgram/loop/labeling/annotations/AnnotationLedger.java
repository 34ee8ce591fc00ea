package io.gourmetgram.loop.labeling.annotations;

import io.gourmetgram.loop.events.Annotation;
import io.gourmetgram.loop.events.AnnotationAction;
import io.gourmetgram.loop.events.topics.Topics;
import io.gourmetgram.loop.support.kafka.EventPublisher;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.JsonNode;

/**
 * Turns Label Studio annotations into {@code annotations} events, each annotation version
 * (annotation id + updated-at) once, whether it came by webhook or by reconciliation.
 */
public final class AnnotationLedger {

    private final EventPublisher publisher;
    private final Clock clock;
    private final Set<String> published = ConcurrentHashMap.newKeySet();
    /** annotation id → (upload id, task id): a deletion payload names only the annotation. */
    private final Map<Long, Annotation> latest = new ConcurrentHashMap<>();

    public AnnotationLedger(EventPublisher publisher, Clock clock) {
        this.publisher = publisher;
        this.clock = clock;
    }

    /** Remembers what was published before a restart (read from the annotations topic). */
    public void remember(Annotation annotation) {
        published.add(version(annotation.annotationId(), annotation.updatedAt(), annotation.action()));
        latest.put(annotation.annotationId(), annotation);
    }

    /** A created or updated annotation of a task; false if this version was already published. */
    public boolean publish(JsonNode task, JsonNode annotation, boolean created) {
        String uploadId = task.path("data").path("uploadId").asString("");
        if (uploadId.isBlank()) {
            return false; // not one of our tasks
        }
        long annotationId = annotation.path("id").asLong();
        Instant updatedAt = instant(annotation.path("updated_at"), annotation.path("created_at"));
        String label = chosenLabel(annotation);
        if (annotation.path("was_cancelled").asBoolean(false) || label == null) {
            return false; // skipped by the annotator: no label to report
        }
        AnnotationAction action = created && !latest.containsKey(annotationId) ? AnnotationAction.CREATED : AnnotationAction.UPDATED;
        JsonNode by = annotation.path("completed_by");
        String annotator = by.isObject() ? by.path("id").asString() : by.asString(null);
        JsonNode lead = annotation.path("lead_time");
        return send(new Annotation(uploadId, task.path("id").asLong(), annotationId, label, annotator,
                lead.isNumber() ? lead.asDouble() : null, action, updatedAt, clock.instant()));
    }

    /** A deleted annotation, known only by id; false if we never saw it (nothing to retract). */
    public boolean publishDeletion(long annotationId) {
        Annotation known = latest.get(annotationId);
        if (known == null || known.action() == AnnotationAction.DELETED) {
            return false;
        }
        Instant now = clock.instant();
        return send(new Annotation(known.uploadId(), known.taskId(), annotationId, null, known.annotatorId(), null,
                AnnotationAction.DELETED, now, now));
    }

    /** Retracts annotations of the upload we published but Label Studio no longer has (a missed deletion). */
    public int retractMissing(String uploadId, Set<Long> present) {
        int retracted = 0;
        for (Annotation known : List.copyOf(latest.values())) {
            if (known.uploadId().equals(uploadId) && !present.contains(known.annotationId())
                    && publishDeletion(known.annotationId())) {
                retracted++;
            }
        }
        return retracted;
    }

    private boolean send(Annotation annotation) {
        String version = version(annotation.annotationId(), annotation.updatedAt(), annotation.action());
        if (published.contains(version)) {
            return false;
        }
        publisher.publish(Topics.ANNOTATIONS, annotation.uploadId(), annotation);
        remember(annotation);
        return true;
    }

    private static String version(long annotationId, Instant updatedAt, AnnotationAction action) {
        return annotationId + "@" + (action == AnnotationAction.DELETED ? "deleted" : updatedAt);
    }

    /** The single choice of the {@code label} control, if the annotation has one. */
    static String chosenLabel(JsonNode annotation) {
        for (JsonNode result : annotation.path("result")) {
            JsonNode choices = result.path("value").path("choices");
            if (choices.isArray() && !choices.isEmpty()) {
                return choices.get(0).asString();
            }
        }
        return null;
    }

    private static Instant instant(JsonNode... candidates) {
        for (JsonNode c : candidates) {
            if (c.isString() && !c.asString().isBlank()) {
                return java.time.OffsetDateTime.parse(c.asString()).toInstant();
            }
        }
        return Instant.EPOCH;
    }
}
