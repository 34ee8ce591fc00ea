package io.gourmetgram.loop.accuracy.suites;

import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * How a suite picks its uploads: the review reason, an optional range of prediction time
 * ({@code from} inclusive, {@code to} exclusive) and an optional model ({@code id} or {@code id:version}).
 */
public record SuiteSelection(String reason, Instant from, Instant to, String model) {

    public SuiteSelection {
        SuiteReason.parse(reason);
        if (from != null && to != null && !from.isBefore(to)) {
            throw new IllegalArgumentException("from (" + from + ") must be before to (" + to + ")");
        }
        if (model != null && model.isBlank()) {
            model = null;
        }
    }

    /** From text as typed on a command line or sent over HTTP; instants are ISO-8601 like 2026-11-24T10:00:00Z. */
    public static SuiteSelection of(String reason, String from, String to, String model) {
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("reason is required: random, low_confidence, flagged, corrected or all");
        }
        return new SuiteSelection(reason, instant("from", from), instant("to", to), model);
    }

    SuiteReason suiteReason() {
        return SuiteReason.parse(reason);
    }

    boolean selects(LabelledUpload upload) {
        var prediction = upload.request().prediction();
        return suiteReason().selects(upload.request())
                && (from == null || !prediction.scoredAt().isBefore(from))
                && (to == null || prediction.scoredAt().isBefore(to))
                && (model == null
                        || model.equals(prediction.model().id())
                        || model.equals(prediction.model().qualifiedName()));
    }

    private static Instant instant(String name, String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(
                    name + " must be an ISO-8601 instant like 2026-11-24T10:00:00Z, not '" + text + "'");
        }
    }
}
