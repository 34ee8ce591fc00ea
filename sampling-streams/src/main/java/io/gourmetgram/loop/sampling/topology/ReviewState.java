package io.gourmetgram.loop.sampling.topology;

import io.gourmetgram.loop.events.Feedback;
import io.gourmetgram.loop.events.Prediction;
import io.gourmetgram.loop.events.RequestState;
import io.gourmetgram.loop.events.ReviewReason;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * What the topology remembers per upload (state store {@code review-state}): the prediction, the
 * reasons found so far, the latest correction, and the last request emitted (revision 0 = none).
 */
public record ReviewState(Prediction prediction, Set<ReviewReason> reasons, String correction, int revision,
                          RequestState state, Instant requestedAt) {

    public ReviewState {
        reasons = reasons.isEmpty() ? EnumSet.noneOf(ReviewReason.class) : EnumSet.copyOf(reasons);
    }

    static ReviewState of(Prediction prediction, Set<ReviewReason> reasons) {
        return new ReviewState(prediction, reasons, null, 0, null, null);
    }

    boolean emitted() {
        return revision > 0;
    }

    /** The state after this feedback: a flag adds {@code flagged}, a correction adds {@code corrected} and replaces the label. */
    ReviewState with(Feedback feedback) {
        Set<ReviewReason> more = EnumSet.noneOf(ReviewReason.class);
        more.addAll(reasons);
        String label = correction;
        switch (feedback.kind()) {
            case FLAG -> more.add(ReviewReason.FLAGGED);
            case CORRECTION -> {
                more.add(ReviewReason.CORRECTED);
                label = feedback.correctedLabel();
            }
            case CONFIRMATION -> {
                // "the label is right" is not a reason to ask annotators: selection stays as it was
            }
        }
        return new ReviewState(prediction, more, label, revision, state, requestedAt);
    }

    ReviewState emittedAs(int newRevision, RequestState newState, Instant at) {
        return new ReviewState(prediction, reasons, correction, newRevision, newState, requestedAt == null ? at : requestedAt);
    }

    /** Feedback that arrived before its prediction (state store {@code early-feedback}). */
    public record EarlyFeedback(List<Feedback> feedback, long firstSeenMillis) {
    }
}
