package io.gourmetgram.loop.events;

import java.time.Instant;
import java.util.List;

/**
 * An upload that humans should label, carrying everything labeling and accuracy need so that they
 * never look anything up. Topic {@code labeling-requests}, key = upload id, compacted: a later
 * revision of the same upload replaces the earlier one, and downstream treats it as an update.
 *
 * @param revision             1 for the first request for this upload, incremented on each update
 * @param reasons              every reason that applies, each with its inclusion probability
 * @param inclusionProbability probability that this upload was selected at all (for weighting)
 * @param userCorrection       the label the uploader chose, if they corrected the prediction
 */
public record LabelingRequest(
        int schemaVersion,
        String uploadId,
        int revision,
        RequestState state,
        List<ReasonInclusion> reasons,
        double inclusionProbability,
        Prediction prediction,
        String userCorrection,
        Instant requestedAt,
        Instant updatedAt) {

    public static final int SCHEMA_VERSION = 1;

    public LabelingRequest {
        reasons = List.copyOf(reasons);
    }

    public LabelingRequest(
            String uploadId,
            int revision,
            RequestState state,
            List<ReasonInclusion> reasons,
            double inclusionProbability,
            Prediction prediction,
            String userCorrection,
            Instant requestedAt,
            Instant updatedAt) {
        this(
                SCHEMA_VERSION,
                uploadId,
                revision,
                state,
                reasons,
                inclusionProbability,
                prediction,
                userCorrection,
                requestedAt,
                updatedAt);
    }

    public boolean hasReason(ReviewReason reason) {
        return reasons.stream().anyMatch(r -> r.reason() == reason);
    }

    /** Where the image is, copied from the prediction. */
    public ObjectRef object() {
        return prediction.object();
    }
}
