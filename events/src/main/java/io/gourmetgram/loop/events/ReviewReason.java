package io.gourmetgram.loop.events;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Why an upload was sent to human annotators. One request can carry several. Each reason has one
 * name wherever it leaves the JVM (events, Label Studio task data, accuracy breakdowns, API
 * parameters): {@link #wireName()}, the same as its JSON form.
 */
public enum ReviewReason {
    /** Selected by the deterministic random sample: the unbiased stratum. */
    @JsonProperty("random")
    RANDOM("random"),
    /** Top-1 confidence (or the top-1/top-2 margin) below threshold. */
    @JsonProperty("low_confidence")
    LOW_CONFIDENCE("low_confidence"),
    /** The uploader said the label is wrong. */
    @JsonProperty("flagged")
    FLAGGED("flagged"),
    /** The uploader chose another label. */
    @JsonProperty("corrected")
    CORRECTED("corrected");

    private final String wireName;

    ReviewReason(String wireName) {
        this.wireName = wireName;
    }

    /** The reason's one external name, e.g. {@code low_confidence}. */
    public String wireName() {
        return wireName;
    }

    /** Every wire name, in declaration order (for validating and documenting parameters). */
    public static List<String> wireNames() {
        return Arrays.stream(values()).map(ReviewReason::wireName).toList();
    }

    public static Optional<ReviewReason> fromWireName(String name) {
        return Arrays.stream(values()).filter(r -> r.wireName.equals(name)).findFirst();
    }
}
