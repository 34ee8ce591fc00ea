package io.gourmetgram.loop.events;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What the uploader told us about a prediction. */
public enum FeedbackKind {
    /** "This label is wrong", without saying what is right. */
    @JsonProperty("flag") FLAG,
    /** "The right label is ...". */
    @JsonProperty("correction") CORRECTION
}
