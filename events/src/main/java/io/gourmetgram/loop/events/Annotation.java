package io.gourmetgram.loop.events;

import java.time.Instant;

/**
 * A human label for an upload, from Label Studio. Topic {@code annotations}, key = upload id.
 * Each version of an annotation (annotation id + updatedAt) appears once.
 *
 * @param label           the class the annotator chose; null when {@code action} is deleted
 * @param leadTimeSeconds time the annotator spent, as Label Studio reports it (may be null)
 * @param updatedAt       when Label Studio last changed the annotation (its version)
 */
public record Annotation(
        int schemaVersion,
        String uploadId,
        long taskId,
        long annotationId,
        String label,
        String annotatorId,
        Double leadTimeSeconds,
        AnnotationAction action,
        Instant updatedAt,
        Instant at) {

    public static final int SCHEMA_VERSION = 1;

    public Annotation(
            String uploadId,
            long taskId,
            long annotationId,
            String label,
            String annotatorId,
            Double leadTimeSeconds,
            AnnotationAction action,
            Instant updatedAt,
            Instant at) {
        this(
                SCHEMA_VERSION,
                uploadId,
                taskId,
                annotationId,
                label,
                annotatorId,
                leadTimeSeconds,
                action,
                updatedAt,
                at);
    }
}
