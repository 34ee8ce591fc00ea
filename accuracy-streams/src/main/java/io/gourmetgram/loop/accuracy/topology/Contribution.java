package io.gourmetgram.loop.accuracy.topology;

import io.gourmetgram.loop.events.ModelRef;
import io.gourmetgram.loop.events.ReviewReason;
import java.time.Instant;
import java.util.List;

/**
 * What one upload sent for review adds to the windows its prediction falls in: membership of its
 * sampling stratum, and once a human has labelled it, the model's answer, the human's, why it was
 * labelled and how likely it was to be. Replaced when its request or annotation changes, retracted
 * when it is deleted.
 *
 * @param truth      the standing human label, null while there is none
 * @param confidence the model's top-1 confidence (null in contributions stored before it was kept)
 * @param confirmed  whether the uploader confirmed the prediction (null in contributions stored before it was kept)
 */
public record Contribution(
        String uploadId,
        ModelRef model,
        Instant scoredAt,
        String predicted,
        String truth,
        List<String> reasons,
        double inclusionProbability,
        String userCorrection,
        boolean flagged,
        Double confidence,
        Boolean confirmed) {

    /** Whether the uploader confirmed the prediction; boxed because contributions stored before it existed lack it. */
    public boolean wasConfirmed() {
        return Boolean.TRUE.equals(confirmed);
    }

    static final String FEEDBACK = "feedback";
    static final String LOW_CONFIDENCE = ReviewReason.LOW_CONFIDENCE.wireName();
    static final String OTHER = "other";

    public boolean labelled() {
        return truth != null;
    }

    public boolean correct() {
        return predicted.equals(truth);
    }

    public double weight() {
        return 1.0 / inclusionProbability;
    }

    /**
     * The sampling stratum: uploads with user feedback are always reviewed, so are low-confidence
     * ones; the rest reach humans only through the random sample.
     */
    String stratum() {
        if (reasons.contains(ReviewReason.FLAGGED.wireName()) || reasons.contains(ReviewReason.CORRECTED.wireName())) {
            return FEEDBACK;
        }
        return reasons.contains(LOW_CONFIDENCE) ? LOW_CONFIDENCE : OTHER;
    }
}
