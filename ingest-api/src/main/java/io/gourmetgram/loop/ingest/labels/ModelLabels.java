package io.gourmetgram.loop.ingest.labels;

import io.gourmetgram.loop.events.Food11;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The labels the model can predict, in output order: what users may pick as a correction.
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

    /** Reads the {@code labels} array of a model sidecar ({@code model.json}); any problem is a startup error. */
    public static ModelLabels fromSidecar(Path file, JsonMapper json) {
        JsonNode root;
        try {
            root = json.readTree(Files.readAllBytes(file));
        } catch (IOException | JacksonException e) {
            throw new IllegalStateException("MODEL_LABELS_FILE " + file.toAbsolutePath()
                    + " cannot be read as JSON: " + e.getMessage(), e);
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
            throw new IllegalStateException("MODEL_LABELS_FILE " + file.toAbsolutePath() + " lists a label twice: " + labels);
        }
        return new ModelLabels(labels, file.toAbsolutePath().toString());
    }

    public boolean contains(String label) {
        return labels.contains(label);
    }
}
