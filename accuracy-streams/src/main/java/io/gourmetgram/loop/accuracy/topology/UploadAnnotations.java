package io.gourmetgram.loop.accuracy.topology;

import io.gourmetgram.loop.events.Annotation;
import io.gourmetgram.loop.events.AnnotationAction;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** The standing annotations of one upload, by annotation id (state store {@code accuracy-annotations}). */
public record UploadAnnotations(Map<Long, Annotation> byId) {

    public static final UploadAnnotations NONE = new UploadAnnotations(Map.of());

    public UploadAnnotations with(Annotation annotation) {
        Map<Long, Annotation> next = new HashMap<>(byId);
        if (annotation.action() == AnnotationAction.DELETED) {
            next.remove(annotation.annotationId());
        } else {
            Annotation known = next.get(annotation.annotationId());
            if (known == null || !annotation.updatedAt().isBefore(known.updatedAt())) {
                next.put(annotation.annotationId(), annotation);
            }
        }
        return new UploadAnnotations(next);
    }

    /** The label that counts: the most recently updated annotation still standing. */
    Optional<String> label() {
        return standing().map(Annotation::label);
    }

    /** The annotation whose label counts (most recently updated, still standing), if any. */
    public Optional<Annotation> standing() {
        return byId.values().stream().max(Comparator.comparing(Annotation::updatedAt));
    }
}
