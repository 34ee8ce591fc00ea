package io.gourmetgram.loop.sampling.topology;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.gourmetgram.loop.events.Feedback;
import io.gourmetgram.loop.events.FeedbackKind;
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
public record ReviewState(
        Prediction prediction,
        Set<ReviewReason> reasons,
        String correction,
        int revision,
        RequestState state,
        Instant requestedAt) {

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
        return new ReviewState(
                prediction, reasons, correction, newRevision, newState, requestedAt == null ? at : requestedAt);
    }

    /** The state once feedback that arrived before the prediction is applied. */
    ReviewState with(EarlyFeedback waiting) {
        ReviewState state = this;
        if (waiting.flagged()) {
            state = state.with(new Feedback(prediction.uploadId(), FeedbackKind.FLAG, null, null, null));
        }
        if (waiting.latestCorrection() != null) {
            state = state.with(new Feedback(
                    prediction.uploadId(), FeedbackKind.CORRECTION, waiting.latestCorrection(), null, null));
        }
        return state;
    }

    /**
     * Feedback that arrived before its prediction (state store {@code early-feedback}): only what the
     * decision needs, so its size does not grow with the number of flags a user sends.
     *
     * @param count           feedback records folded in (for logs and metrics)
     * @param firstSeenMillis record time of the first one; expiry counts from it
     */
    public record EarlyFeedback(boolean flagged, String latestCorrection, long count, long firstSeenMillis) {

        static EarlyFeedback first(Feedback feedback, long timestamp) {
            return new EarlyFeedback(false, null, 0, timestamp).and(feedback);
        }

        EarlyFeedback and(Feedback feedback) {
            return switch (feedback.kind()) {
                case FLAG -> new EarlyFeedback(true, latestCorrection, count + 1, firstSeenMillis);
                case CORRECTION -> new EarlyFeedback(flagged, feedback.correctedLabel(), count + 1, firstSeenMillis);
                case CONFIRMATION -> this; // not a reason to ask annotators: nothing to hold
            };
        }

        /** Reads entries written before the summary existed (a list of every feedback record) by folding them. */
        @JsonCreator
        static EarlyFeedback read(
                @JsonProperty("flagged") Boolean flagged,
                @JsonProperty("latestCorrection") String latestCorrection,
                @JsonProperty("count") Long count,
                @JsonProperty("firstSeenMillis") long firstSeenMillis,
                @JsonProperty("feedback") List<Feedback> legacyList) {
            EarlyFeedback summary = new EarlyFeedback(
                    Boolean.TRUE.equals(flagged), latestCorrection, count == null ? 0 : count, firstSeenMillis);
            for (Feedback feedback : legacyList == null ? List.<Feedback>of() : legacyList) {
                summary = summary.and(feedback);
            }
            return summary;
        }
    }
}
