package io.gourmetgram.loop.labeling.labelstudio;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import tools.jackson.databind.JsonNode;

/**
 * One annotation of a task, as Label Studio serialises it (webhook payloads and task lists alike).
 *
 * @param label     the single choice of the {@code label} control, or null when there is none
 * @param cancelled the annotator skipped the task ({@code was_cancelled}): no label to report
 * @param updatedAt Label Studio's {@code updated_at} (its version), else {@code created_at}
 */
public record LabelStudioAnnotation(
        long id, String label, String annotatorId, Double leadTimeSeconds, boolean cancelled, Instant updatedAt) {

    static LabelStudioAnnotation parse(JsonNode json) {
        JsonNode by = json.path("completed_by");
        String annotator =
                by.isObject() ? by.path("id").asString(null) : by.isNull() || by.isMissingNode() ? null : by.asString();
        JsonNode lead = json.path("lead_time");
        return new LabelStudioAnnotation(
                json.path("id").asLong(),
                chosenLabel(json),
                annotator,
                lead.isNumber() ? lead.asDouble() : null,
                json.path("was_cancelled").asBoolean(false),
                instant(json.path("updated_at"), json.path("created_at")));
    }

    /** A label the annotator really chose (not skipped, one choice made). */
    public boolean hasLabel() {
        return !cancelled && label != null;
    }

    private static String chosenLabel(JsonNode annotation) {
        for (JsonNode result : annotation.path("result")) {
            JsonNode choices = result.path("value").path("choices");
            if (choices.isArray() && !choices.isEmpty()) {
                return choices.get(0).asString();
            }
        }
        return null;
    }

    static Instant instant(JsonNode... candidates) {
        for (JsonNode c : candidates) {
            if (c.isString() && !c.asString().isBlank()) {
                try {
                    return OffsetDateTime.parse(c.asString()).toInstant();
                } catch (DateTimeParseException e) {
                    return Instant.parse(c.asString());
                }
            }
        }
        return Instant.EPOCH;
    }
}
