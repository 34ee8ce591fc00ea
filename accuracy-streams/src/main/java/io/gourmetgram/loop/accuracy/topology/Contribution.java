package io.gourmetgram.loop.accuracy.topology;

import io.gourmetgram.loop.events.ModelRef;
import java.time.Instant;
import java.util.List;

/**
 * What one labelled upload adds to the windows its prediction falls in: the model's answer, the
 * human's, why it was labelled and how likely it was to be, and whether the uploader confirmed the
 * prediction. Replaced when its annotation changes,
 * retracted when it is deleted.
 */
public record Contribution(String uploadId, ModelRef model, Instant scoredAt, String predicted, String truth,
                           List<String> reasons, double inclusionProbability, String userCorrection, boolean flagged,
                           Boolean confirmed) {

    /** Whether the uploader confirmed the prediction; boxed because contributions stored before it existed lack it. */
    public boolean wasConfirmed() {
        return Boolean.TRUE.equals(confirmed);
    }

    public boolean correct() {
        return predicted.equals(truth);
    }

    public double weight() {
        return 1.0 / inclusionProbability;
    }
}
