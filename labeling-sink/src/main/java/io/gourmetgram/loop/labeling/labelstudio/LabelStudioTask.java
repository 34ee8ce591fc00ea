package io.gourmetgram.loop.labeling.labelstudio;

import io.gourmetgram.loop.events.ObjectRef;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * A Label Studio task as this stage reads it: ours when {@code data.uploadId} is set (we put it
 * there on import), with the revision and object we imported and its annotations (present in task
 * lists only with {@code fields=all}, and in webhook payloads).
 *
 * @param uploadId empty for a task that is not ours
 * @param object   the bucket/key from {@code meta}, or null
 */
public record LabelStudioTask(
        long id,
        long projectId,
        String uploadId,
        int revision,
        ObjectRef object,
        Instant updatedAt,
        List<LabelStudioAnnotation> annotations) {

    public LabelStudioTask {
        annotations = List.copyOf(annotations);
    }

    public static LabelStudioTask parse(JsonNode json) {
        JsonNode data = json.path("data");
        JsonNode meta = json.path("meta");
        ObjectRef object = meta.path("bucket").isString() && meta.path("key").isString()
                ? new ObjectRef(meta.path("bucket").asString(), meta.path("key").asString())
                : null;
        JsonNode project = json.path("project");
        List<LabelStudioAnnotation> annotations = new ArrayList<>();
        json.path("annotations").forEach(a -> {
            if (a.isObject()) {
                annotations.add(LabelStudioAnnotation.parse(a));
            }
        });
        return new LabelStudioTask(
                json.path("id").asLong(),
                project.isObject() ? project.path("id").asLong() : project.asLong(),
                data.path("uploadId").asString(""),
                data.path("revision").asInt(1),
                object,
                LabelStudioAnnotation.instant(json.path("updated_at"), json.path("created_at")),
                annotations);
    }

    public boolean ours() {
        return !uploadId.isBlank();
    }
}
