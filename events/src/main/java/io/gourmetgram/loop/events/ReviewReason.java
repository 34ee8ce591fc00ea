package io.gourmetgram.loop.events;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Why an upload was sent to human annotators. One request can carry several. */
public enum ReviewReason {
    /** Selected by the deterministic random sample: the unbiased stratum. */
    @JsonProperty("random") RANDOM,
    /** Top-1 confidence (or the top-1/top-2 margin) below threshold. */
    @JsonProperty("low_confidence") LOW_CONFIDENCE,
    /** The uploader said the label is wrong. */
    @JsonProperty("flagged") FLAGGED,
    /** The uploader chose another label. */
    @JsonProperty("corrected") CORRECTED
}
