package io.gourmetgram.loop.ingest.feedback;

import io.gourmetgram.loop.events.EventJson;
import io.gourmetgram.loop.events.Food11;
import io.gourmetgram.loop.ingest.config.IngestProperties;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/** The labels a user may choose when correcting a prediction: the serving model's label set. */
@Component
public class ModelLabels {

    private final List<String> labels;

    public ModelLabels(IngestProperties properties) {
        this.labels = properties.labelsFile() == null ? Food11.LABELS : read(properties);
    }

    public List<String> all() {
        return labels;
    }

    public boolean contains(String label) {
        return labels.contains(label);
    }

    private static List<String> read(IngestProperties properties) {
        try {
            JsonNode labels = EventJson.mapper().readTree(Files.readAllBytes(properties.labelsFile())).path("labels");
            List<String> result = new ArrayList<>();
            labels.forEach(l -> result.add(l.asString()));
            if (result.isEmpty()) {
                throw new IllegalStateException("has no 'labels' array");
            }
            return List.copyOf(result);
        } catch (Exception e) {
            throw new IllegalStateException("MODEL_LABELS_FILE " + properties.labelsFile()
                    + " must be a model.json with a non-empty 'labels' array: " + e.getMessage(), e);
        }
    }
}
