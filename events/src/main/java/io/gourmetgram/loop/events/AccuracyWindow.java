package io.gourmetgram.loop.events;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Instant;
import java.util.Map;

/**
 * Production accuracy of one model version over one window of prediction time, from human labels.
 * Topics {@code accuracy-tumbling} and {@code accuracy-rolling}, compacted, key = {@link #key}
 * ({@code <windowType>|<windowStart>|<model id:version>}); a later record for the same key replaces the earlier one.
 *
 * @param windowType                  {@code tumbling} or {@code rolling}
 * @param labelled                    labelled uploads in the window (annotations that still stand)
 * @param byReason                    labelled/correct per review reason (an upload counts once per reason)
 * @param byPredictedClass            labelled/correct per predicted label
 * @param byTrueClass                 labelled/correct per human label
 * @param confusion                   human label → predicted label → count
 * @param randomStratum               accuracy on the random sample alone, Wilson 95 % interval
 * @param weighted                    inverse-probability-weighted (Hájek) accuracy over all labels: the production estimate
 * @param rawLabelledAccuracyBiased   correct / labelled, ignoring how uploads were selected: biased, for comparison only
 * @param correctionAgreement         share of user corrections that match the annotator's label
 * @param flagPrecision               share of flagged predictions the annotator found wrong
 */
public record AccuracyWindow(
        int schemaVersion,
        WindowType windowType,
        Instant windowStart,
        Instant windowEnd,
        ModelRef model,
        long labelled,
        long correct,
        Map<String, Tally> byReason,
        Map<String, Tally> byPredictedClass,
        Map<String, Tally> byTrueClass,
        Map<String, Map<String, Long>> confusion,
        Estimate randomStratum,
        Estimate weighted,
        Double rawLabelledAccuracyBiased,
        Rate correctionAgreement,
        Rate flagPrecision,
        Instant updatedAt) {

    public static final int SCHEMA_VERSION = 1;

    /** How the catalog ({@code Topics}) describes the key of the accuracy topics; {@link #key} builds it. */
    public static final String KEY_FORMAT = "<windowType>|<windowStart>|<model id:version>";

    /**
     * The record key of a window on {@code accuracy-tumbling} / {@code accuracy-rolling} (and in the
     * window store), e.g. {@code tumbling|2026-11-23T10:00:00Z|food11-demo:1}: see {@link #KEY_FORMAT}.
     */
    public static String key(WindowType windowType, Instant windowStart, ModelRef model) {
        return windowType.wireName() + "|" + windowStart + "|" + model.qualifiedName();
    }

    /** This window's record key. */
    @JsonIgnore
    public String key() {
        return key(windowType, windowStart, model);
    }

    /** How many labelled, and how many of those the model got right. */
    public record Tally(long labelled, long correct) {
    }

    /**
     * @param accuracy   point estimate (null without data)
     * @param lower      95 % interval bounds
     * @param sampleSize labels used (for the weighted estimate: Kish's effective sample size)
     */
    public record Estimate(Double accuracy, Double lower, Double upper, double sampleSize) {
    }

    /** {@code matching} of {@code total}, and their ratio (null when total is 0). */
    public record Rate(long total, long matching, Double rate) {
    }
}
