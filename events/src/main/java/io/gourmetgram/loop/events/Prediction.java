package io.gourmetgram.loop.events;

import java.time.Instant;
import java.util.List;

/**
 * The model's answer for one upload. Topic {@code predictions}, key = upload id.
 *
 * @param confidence      softmax probability of the top-1 label
 * @param topK            the best labels, most probable first (the first one is {@code label})
 * @param inferenceMillis time spent in the model for this image's share of its batch, decode included
 */
public record Prediction(
        int schemaVersion,
        String uploadId,
        ObjectRef object,
        ModelRef model,
        String label,
        int labelIndex,
        double confidence,
        List<ScoredLabel> topK,
        double inferenceMillis,
        Instant scoredAt) {

    public static final int SCHEMA_VERSION = 1;

    public Prediction {
        topK = List.copyOf(topK);
    }

    public Prediction(
            String uploadId,
            ObjectRef object,
            ModelRef model,
            String label,
            int labelIndex,
            double confidence,
            List<ScoredLabel> topK,
            double inferenceMillis,
            Instant scoredAt) {
        this(SCHEMA_VERSION, uploadId, object, model, label, labelIndex, confidence, topK, inferenceMillis, scoredAt);
    }

    /** Top-1 minus top-2 probability; 1.0 when the model has a single class. */
    public double margin() {
        return topK.size() < 2 ? 1.0 : topK.get(0).probability() - topK.get(1).probability();
    }
}
