package io.gourmetgram.loop.accuracy.suites;

import io.gourmetgram.loop.events.LabelingRequest;
import io.gourmetgram.loop.events.ReviewReason;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Which human-labelled uploads a test suite takes: those reviewed for one reason, or all of them. */
public enum SuiteReason {
    RANDOM(ReviewReason.RANDOM),
    LOW_CONFIDENCE(ReviewReason.LOW_CONFIDENCE),
    FLAGGED(ReviewReason.FLAGGED),
    CORRECTED(ReviewReason.CORRECTED),
    ALL(null);

    private final ReviewReason reason;

    SuiteReason(ReviewReason reason) {
        this.reason = reason;
    }

    /** The lower-case name used in suite names, manifests and the API ({@code random}, {@code low_confidence}, ...). */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    boolean selects(LabelingRequest request) {
        return reason == null || request.hasReason(reason);
    }

    public static SuiteReason parse(String text) {
        return Arrays.stream(values())
                .filter(r -> r.wireName().equals(text))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("reason must be one of "
                        + Arrays.stream(values()).map(SuiteReason::wireName).collect(Collectors.joining(", "))
                        + ", not '" + text + "'"));
    }
}
