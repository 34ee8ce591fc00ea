package io.gourmetgram.loop.accuracy.topology;

import io.gourmetgram.loop.events.LabelingRequest;
import io.gourmetgram.loop.events.ModelRef;
import io.gourmetgram.loop.events.ReasonInclusion;
import io.gourmetgram.loop.events.ReviewReason;
import java.time.Instant;
import java.util.List;

/**
 * What accuracy keeps of an upload's latest labeling request (state store {@code accuracy-requests}):
 * the fields a {@link Contribution} is made of, not the whole request with its prediction's top-k
 * labels and image reference, which were most of what the store read and wrote for every label.
 *
 * @param reasons the review reasons' wire names
 */
record LatestRequest(
        int revision,
        ModelRef model,
        Instant scoredAt,
        String predicted,
        double confidence,
        List<String> reasons,
        double inclusionProbability,
        String userCorrection,
        boolean flagged) {

    LatestRequest {
        reasons = List.copyOf(reasons);
    }

    static LatestRequest of(LabelingRequest request) {
        return new LatestRequest(
                request.revision(),
                request.prediction().model(),
                request.prediction().scoredAt(),
                request.prediction().label(),
                request.prediction().confidence(),
                request.reasons().stream()
                        .map(ReasonInclusion::reason)
                        .map(ReviewReason::wireName)
                        .toList(),
                request.inclusionProbability(),
                request.userCorrection(),
                request.hasReason(ReviewReason.FLAGGED));
    }
}
