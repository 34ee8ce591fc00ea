package io.gourmetgram.loop.labeling.labelstudio;

import io.gourmetgram.loop.events.EventJson;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * A webhook delivery from Label Studio, parsed once. Payload shapes (Label Studio
 * {@code webhooks/models.py}): ANNOTATION_CREATED / ANNOTATION_UPDATED carry {@code annotation}
 * and {@code task}; ANNOTATIONS_DELETED carries {@code annotations: [{id}]}; TASKS_DELETED carries
 * {@code tasks: [{id}]}; all carry {@code project}.
 */
public sealed interface WebhookEvent {

    String action();

    /** An annotation was created or updated. */
    record AnnotationSaved(String action, LabelStudioTask task, LabelStudioAnnotation annotation)
            implements WebhookEvent {}

    record AnnotationsDeleted(String action, List<Long> annotationIds) implements WebhookEvent {}

    /** Tasks were deleted; their annotations went with them (no ANNOTATIONS_DELETED is sent). */
    record TasksDeleted(String action, List<Long> taskIds) implements WebhookEvent {}

    /** Any action this stage does not handle. */
    record Other(String action) implements WebhookEvent {}

    /** @throws IllegalArgumentException when the body is not a webhook payload */
    static WebhookEvent parse(byte[] body) {
        JsonNode json;
        try {
            json = EventJson.mapper().readTree(body);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("the body is not JSON: " + e.getOriginalMessage());
        }
        if (json == null || !json.isObject() || !json.path("action").isString()) {
            throw new IllegalArgumentException("the body has no \"action\"");
        }
        String action = json.path("action").asString();
        return switch (action) {
            case "ANNOTATION_CREATED", "ANNOTATION_UPDATED" -> {
                if (!json.path("annotation").isObject() || !json.path("task").isObject()) {
                    throw new IllegalArgumentException(action + " without \"annotation\" and \"task\"");
                }
                yield new AnnotationSaved(
                        action,
                        LabelStudioTask.parse(json.path("task")),
                        LabelStudioAnnotation.parse(json.path("annotation")));
            }
            case "ANNOTATIONS_DELETED" -> new AnnotationsDeleted(action, ids(json.path("annotations")));
            case "TASKS_DELETED" -> new TasksDeleted(action, ids(json.path("tasks")));
            default -> new Other(action);
        };
    }

    private static List<Long> ids(JsonNode items) {
        List<Long> ids = new ArrayList<>();
        items.forEach(i -> ids.add(i.path("id").asLong()));
        return ids;
    }
}
