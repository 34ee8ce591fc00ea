package io.gourmetgram.loop.support.labels;

import io.gourmetgram.loop.events.EventJson;
import io.gourmetgram.loop.events.Food11;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The labels a model can predict, in output order, as its sidecar ({@code model.json}) lists them:
 * what users may pick as a correction, what annotators choose from, and what class_XX numbers mean.
 * Stages that need the labels without the model read {@code MODEL_LABELS_FILE}; default Food-11.
 *
 * @param source where they came from, for logs and the README's "which labels am I serving?"
 */
public record ModelLabels(List<String> labels, String source) {

    public ModelLabels {
        labels = List.copyOf(labels);
    }

    public static ModelLabels food11() {
        return new ModelLabels(Food11.LABELS, "Food-11 (default)");
    }

    /**
     * What a stage serves: the sidecar named by {@code MODEL_LABELS_FILE}, or Food-11 when it is not set
     * (null or blank).
     */
    public static ModelLabels configured(String labelsFile) {
        return labelsFile == null || labelsFile.isBlank() ? food11() : fromSidecar(Path.of(labelsFile.strip()));
    }

    /** @see #configured(String) */
    public static ModelLabels configured(Path labelsFile) {
        return labelsFile == null ? food11() : configured(labelsFile.toString());
    }

    /** Reads the {@code labels} array of a model sidecar ({@code model.json}); any problem is a startup error. */
    public static ModelLabels fromSidecar(Path file) {
        JsonNode root;
        try {
            root = EventJson.mapper().readTree(Files.readAllBytes(file));
        } catch (IOException | JacksonException e) {
            throw new IllegalStateException(
                    "MODEL_LABELS_FILE " + file.toAbsolutePath() + " cannot be read as JSON: " + e.getMessage(), e);
        }
        JsonNode array = root.path("labels");
        if (!array.isArray() || array.isEmpty()) {
            throw new IllegalStateException("MODEL_LABELS_FILE " + file.toAbsolutePath()
                    + " has no non-empty \"labels\" array (expected a model.json listing labels in output order)");
        }
        List<String> labels = new ArrayList<>();
        for (JsonNode label : array) {
            if (!label.isString() || label.asString().isBlank()) {
                throw new IllegalStateException("MODEL_LABELS_FILE " + file.toAbsolutePath()
                        + ": every entry of \"labels\" must be a non-empty string, found " + label);
            }
            labels.add(label.asString());
        }
        if (new HashSet<>(labels).size() != labels.size()) {
            throw new IllegalStateException(
                    "MODEL_LABELS_FILE " + file.toAbsolutePath() + " lists a label twice: " + labels);
        }
        return new ModelLabels(labels, file.toAbsolutePath().toString());
    }

    public boolean contains(String label) {
        return labels.contains(label);
    }
}
