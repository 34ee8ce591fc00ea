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
 * @param weighted                    inverse-probability-weighted (Hájek) accuracy over all labels, kept for comparison
 * @param rawLabelledAccuracyBiased   correct / labelled, ignoring how uploads were selected: biased, for comparison only
 * @param correctionAgreement         share of user corrections that match the annotator's label
 * @param flagPrecision               share of flagged predictions the annotator found wrong
 * @param production                  the production accuracy estimate: for tumbling windows with enough labelled
 *                                    hours before them, the small-area estimate (the hour's own labels combined with
 *                                    what the trailing 24 hours' labels say about every prediction's confidence);
 *                                    otherwise the design-based one ({@code productionMethod} says which); null in
 *                                    records written before it existed
 * @param strata                      per sampling stratum ({@code feedback}, {@code low_confidence}, {@code other}):
 *                                    predictions, confidence sum, requests, labels and the stratum's estimate
 * @param byConfidenceBand            per band of top-1 confidence (e.g. {@code 0.90-0.95}): predictions, confidence
 *                                    sum, and the random sample's labels in the band (a calibration check)
 * @param predictions                 predictions the model made in the window (all of them, labelled or not)
 * @param byReasonEstimate            accuracy per review reason with a Wilson 95 % interval (or insufficient)
 * @param byPredictedClassEstimate    precision per predicted label, estimated like {@code production}, 95 % interval (or insufficient)
 * @param byTrueClassEstimate         weighted accuracy (recall) per human label, 95 % interval (or insufficient)
 * @param userReliability             share of user-confirmed predictions the annotator found right (confirmed
 *                                    uploads reviewed for another reason); null in records written before it existed
 * @param designBased                 the window's design-based estimate from its own labels alone: stratified on the
 *                                    known number of predictions per sampling stratum, with the model's confidence as
 *                                    auxiliary variable (difference estimator); null in records written before it
 *                                    existed (their {@code production} is this estimate)
 * @param productionMethod            {@value #SMALL_AREA} or {@value #DESIGN_BASED}: how {@code production} was
 *                                    computed; null in records written before it existed (design-based)
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
        Instant updatedAt,
        Estimate production,
        Map<String, Stratum> strata,
        Map<String, ConfidenceBand> byConfidenceBand,
        Long predictions,
        Map<String, Estimate> byReasonEstimate,
        Map<String, Estimate> byPredictedClassEstimate,
        Map<String, Estimate> byTrueClassEstimate,
        Rate userReliability,
        Estimate designBased,
        String productionMethod) {

    public static final int SCHEMA_VERSION = 1;

    /** {@code productionMethod}: the hour's labels combined with the trailing hours' (small-area estimation). */
    public static final String SMALL_AREA = "small_area";

    /** {@code productionMethod}: the window's own labels alone. */
    public static final String DESIGN_BASED = "design_based";

    /** A record as written before the production estimate, strata, per-figure intervals and user reliability existed. */
    public AccuracyWindow(
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
        this(
                schemaVersion,
                windowType,
                windowStart,
                windowEnd,
                model,
                labelled,
                correct,
                byReason,
                byPredictedClass,
                byTrueClass,
                confusion,
                randomStratum,
                weighted,
                rawLabelledAccuracyBiased,
                correctionAgreement,
                flagPrecision,
                updatedAt,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null);
    }

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
    public record Tally(long labelled, long correct) {}

    /**
     * @param accuracy     point estimate (null without data, or when insufficient)
     * @param lower        95 % interval bounds
     * @param sampleSize   labels used (for the weighted estimate: Kish's effective sample size)
     * @param insufficient true when there are too few labels for an honest figure: the numbers are then null and
     *                     {@code sampleSize} says how many labels there were; null in records written before it existed
     */
    public record Estimate(Double accuracy, Double lower, Double upper, double sampleSize, Boolean insufficient) {

        public Estimate(Double accuracy, Double lower, Double upper, double sampleSize) {
            this(accuracy, lower, upper, sampleSize, null);
        }

        /** Too few labels: no figure, only how many there were. */
        public static Estimate insufficient(double labels) {
            return new Estimate(null, null, null, labels, true);
        }
    }

    /**
     * One sampling stratum of the window's predictions. {@code feedback}: the uploader flagged or corrected the
     * prediction; {@code low_confidence}: the low-confidence rule fired (and no feedback); {@code other}: the rest,
     * labelled only through the random sample.
     *
     * @param predictions   predictions in the stratum (known for every prediction, labelled or not)
     * @param confidenceSum sum of their top-1 confidences
     * @param requests      of them, uploads sent for review (open or skipped by the budget)
     * @param labelled      of them, uploads with a standing human label
     * @param correct       of the labelled, those the model got right
     * @param estimate      the stratum's accuracy (difference estimator, 95 % interval; exact when all are labelled)
     */
    public record Stratum(
            long predictions, double confidenceSum, long requests, long labelled, long correct, Estimate estimate) {}

    /**
     * Predictions whose top-1 confidence falls in one band, and the random sample's labels among them (mean
     * confidence against the random sample's accuracy shows whether the model is calibrated).
     */
    public record ConfidenceBand(long predictions, double confidenceSum, long randomLabelled, long randomCorrect) {}

    /** {@code matching} of {@code total}, and their ratio (null when total is 0). */
    public record Rate(long total, long matching, Double rate) {}
}
