package io.gourmetgram.loop.events;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What the uploader told us about a prediction. */
public enum FeedbackKind {
    /** "This label is wrong", without saying what is right. */
    @JsonProperty("flag")
    FLAG,
    /** "The right label is ...". */
    @JsonProperty("correction")
    CORRECTION,
    /**
     * "This label is right". Not a review reason (nothing is sent to annotators for it); accuracy
     * reports how often confirmed predictions that were reviewed anyway were right (user reliability).
     */
    @JsonProperty("confirmation")
    CONFIRMATION
}
