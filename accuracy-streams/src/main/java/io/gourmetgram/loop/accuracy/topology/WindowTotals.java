package io.gourmetgram.loop.accuracy.topology;

import io.gourmetgram.loop.accuracy.estimate.BandedStratum;
import io.gourmetgram.loop.accuracy.estimate.HajekEstimate;
import io.gourmetgram.loop.accuracy.estimate.SmallAreaEstimate;
import io.gourmetgram.loop.accuracy.estimate.StratifiedDifferenceEstimate;
import io.gourmetgram.loop.accuracy.estimate.StratumSample;
import io.gourmetgram.loop.accuracy.estimate.WilsonInterval;
import io.gourmetgram.loop.events.AccuracyWindow;
import io.gourmetgram.loop.events.AccuracyWindow.ConfidenceBand;
import io.gourmetgram.loop.events.AccuracyWindow.Estimate;
import io.gourmetgram.loop.events.AccuracyWindow.Rate;
import io.gourmetgram.loop.events.AccuracyWindow.Stratum;
import io.gourmetgram.loop.events.AccuracyWindow.Tally;
import io.gourmetgram.loop.events.ModelRef;
import io.gourmetgram.loop.events.ReviewReason;
import io.gourmetgram.loop.events.WindowType;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Running sums for one window and model, kept so that a contribution can be added and later
 * subtracted exactly (state store {@code accuracy-windows}). Estimates are derived, never stored.
 *
 * @param counts                 every prediction in the window, and its sampling strata with their labels
 * @param bands                  per confidence band: predictions, and the random sample's labels
 * @param byPredictedClassCounts the same per predicted label
 * @param byTrueClassWeights     weighted sums per human label
 * @param confirmations          labelled predictions the uploader had confirmed, and how many were right
 * @param byBandCounts           the same per confidence band, for the small-area estimate's calibration
 */
public record WindowTotals(
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
        double sumW,
        double sumWY,
        double sumW2,
        double sumW2Y,
        long corrections,
        long correctionsMatching,
        long flags,
        long flagsWrong,
        StratifiedCounts counts,
        Map<String, ConfidenceBand> bands,
        Map<String, StratifiedCounts> byPredictedClassCounts,
        Map<String, WeightedSums> byTrueClassWeights,
        Tally confirmations,
        Map<String, StratifiedCounts> byBandCounts) {

    /** Totals stored before the strata were kept read with empty ones. */
    public WindowTotals {
        byBandCounts = byBandCounts == null ? Map.of() : byBandCounts;
        counts = counts == null ? StratifiedCounts.NONE : counts;
        bands = bands == null ? Map.of() : bands;
        byPredictedClassCounts = byPredictedClassCounts == null ? Map.of() : byPredictedClassCounts;
        byTrueClassWeights = byTrueClassWeights == null ? Map.of() : byTrueClassWeights;
        confirmations = confirmations == null ? new Tally(0, 0) : confirmations;
    }

    static WindowTotals empty(WindowDelta first) {
        return empty(first.windowType(), first.windowStart(), first.windowEnd(), first.model());
    }

    private static WindowTotals empty(WindowType type, Instant start, Instant end, ModelRef model) {
        return new WindowTotals(
                type,
                start,
                end,
                model,
                0,
                0,
                Map.of(),
                Map.of(),
                Map.of(),
                Map.of(),
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                StratifiedCounts.NONE,
                Map.of(),
                Map.of(),
                Map.of(),
                new Tally(0, 0),
                Map.of());
    }

    WindowTotals apply(WindowDelta delta) {
        int s = delta.sign();
        if (delta.prediction() != null) {
            WindowDelta.PredictionSeen p = delta.prediction();
            Map<String, ConfidenceBand> nextBands = new TreeMap<>(bands);
            nextBands.merge(
                    ConfidenceBands.of(p.confidence()),
                    new ConfidenceBand(s, s * p.confidence(), 0, 0),
                    WindowTotals::sum);
            return with(
                    counts.withPrediction(s, p.confidence()),
                    nextBands,
                    p.label() == null
                            ? byPredictedClassCounts
                            : byClass(p.label(), k -> k.withPrediction(s, p.confidence())),
                    byBand(p.confidence(), k -> k.withPrediction(s, p.confidence())));
        }
        Contribution c = delta.contribution();
        if (c.confidence() == null) { // stored before strata were kept: it was never counted in them
            return c.labelled() ? withLabel(c, s) : this;
        }
        double confidence = c.confidence();
        Boolean right = c.labelled() ? c.correct() : null;
        StratifiedCounts nextCounts = counts.withRequest(c.stratum(), s, confidence, right);
        Map<String, StratifiedCounts> nextByClass =
                byClass(c.predicted(), k -> k.withRequest(c.stratum(), s, confidence, right));
        Map<String, StratifiedCounts> nextByBand =
                byBand(confidence, k -> k.withRequest(c.stratum(), s, confidence, right));
        if (!c.labelled()) {
            return with(nextCounts, bands, nextByClass, nextByBand);
        }
        Map<String, ConfidenceBand> nextBands = new TreeMap<>(bands);
        if (c.reasons().contains(ReviewReason.RANDOM.wireName())) {
            nextBands.merge(
                    ConfidenceBands.of(confidence),
                    new ConfidenceBand(0, 0, s, c.correct() ? s : 0),
                    WindowTotals::sum);
        }
        return with(nextCounts, nextBands, nextByClass, nextByBand).withLabel(c, s);
    }

    private Map<String, StratifiedCounts> byClass(
            String label, java.util.function.UnaryOperator<StratifiedCounts> change) {
        Map<String, StratifiedCounts> next = new TreeMap<>(byPredictedClassCounts);
        next.put(label, change.apply(next.getOrDefault(label, StratifiedCounts.NONE)));
        return next;
    }

    private Map<String, StratifiedCounts> byBand(
            double confidence, java.util.function.UnaryOperator<StratifiedCounts> change) {
        Map<String, StratifiedCounts> next = new TreeMap<>(byBandCounts);
        String band = ConfidenceBands.of(confidence);
        next.put(band, change.apply(next.getOrDefault(band, StratifiedCounts.NONE)));
        return next;
    }

    private WindowTotals with(
            StratifiedCounts nextCounts,
            Map<String, ConfidenceBand> nextBands,
            Map<String, StratifiedCounts> nextByClass,
            Map<String, StratifiedCounts> nextByBand) {
        return new WindowTotals(
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
                sumW,
                sumWY,
                sumW2,
                sumW2Y,
                corrections,
                correctionsMatching,
                flags,
                flagsWrong,
                nextCounts,
                nextBands,
                nextByClass,
                byTrueClassWeights,
                confirmations,
                nextByBand);
    }

    private WindowTotals withLabel(Contribution c, int s) {
        int right = c.correct() ? 1 : 0;
        Map<String, Tally> reasons = new TreeMap<>(byReason);
        c.reasons().forEach(r -> reasons.put(r, add(reasons.get(r), s, right)));
        Map<String, Tally> predictedTallies = new TreeMap<>(byPredictedClass);
        predictedTallies.put(c.predicted(), add(predictedTallies.get(c.predicted()), s, right));
        Map<String, Tally> truth = new TreeMap<>(byTrueClass);
        truth.put(c.truth(), add(truth.get(c.truth()), s, right));
        Map<String, Map<String, Long>> matrix = new TreeMap<>(confusion);
        Map<String, Long> row = new TreeMap<>(matrix.getOrDefault(c.truth(), Map.of()));
        row.merge(c.predicted(), (long) s, Long::sum);
        matrix.put(c.truth(), row);
        double w = c.weight();
        Map<String, WeightedSums> trueWeights = new TreeMap<>(byTrueClassWeights);
        trueWeights.put(
                c.truth(),
                trueWeights.getOrDefault(c.truth(), WeightedSums.NONE).add(s, w, c.correct()));
        boolean corrected = c.userCorrection() != null;
        return new WindowTotals(
                windowType,
                windowStart,
                windowEnd,
                model,
                labelled + s,
                correct + (long) s * right,
                reasons,
                predictedTallies,
                truth,
                matrix,
                sumW + s * w,
                sumWY + s * w * right,
                sumW2 + s * w * w,
                sumW2Y + s * w * w * right,
                corrections + (corrected ? s : 0),
                correctionsMatching + (corrected && c.userCorrection().equals(c.truth()) ? s : 0),
                flags + (c.flagged() ? s : 0),
                flagsWrong + (c.flagged() && !c.correct() ? s : 0),
                counts,
                bands,
                byPredictedClassCounts,
                trueWeights,
                c.wasConfirmed() ? add(confirmations, s, right) : confirmations,
                byBandCounts);
    }

    /** The stratum only the random sample sees, band by band (bands in order): what {@link SmallAreaEstimate} learns from. */
    BandedStratum sampledStratumByBand() {
        return new BandedStratum(ConfidenceBands.names().stream()
                .map(band -> byBandCounts
                        .getOrDefault(band, StratifiedCounts.NONE)
                        .samples()
                        .get(Contribution.OTHER))
                .toList());
    }

    /**
     * These totals plus {@code sign} times {@code other}'s (−1 subtracts), field by field, keeping
     * this one's window: a window's totals are the sum of its buckets' changes.
     */
    WindowTotals plus(WindowTotals other, int sign) {
        return new WindowTotals(
                windowType,
                windowStart,
                windowEnd,
                model,
                labelled + sign * other.labelled,
                correct + sign * other.correct,
                sum(byReason, other.byReason, sign, NO_LABELS, WindowTotals::sum),
                sum(byPredictedClass, other.byPredictedClass, sign, NO_LABELS, WindowTotals::sum),
                sum(byTrueClass, other.byTrueClass, sign, NO_LABELS, WindowTotals::sum),
                sum(confusion, other.confusion, sign, Map.of(), (a, b, k) -> sum(a, b, k, 0L, (x, y, j) -> x + j * y)),
                sumW + sign * other.sumW,
                sumWY + sign * other.sumWY,
                sumW2 + sign * other.sumW2,
                sumW2Y + sign * other.sumW2Y,
                corrections + sign * other.corrections,
                correctionsMatching + sign * other.correctionsMatching,
                flags + sign * other.flags,
                flagsWrong + sign * other.flagsWrong,
                counts.plus(other.counts, sign),
                sum(bands, other.bands, sign, NO_PREDICTIONS, (a, b, k) -> sum(a, scaled(b, k))),
                sum(
                        byPredictedClassCounts,
                        other.byPredictedClassCounts,
                        sign,
                        StratifiedCounts.NONE,
                        StratifiedCounts::plus),
                sum(byTrueClassWeights, other.byTrueClassWeights, sign, WeightedSums.NONE, WeightedSums::plus),
                sum(confirmations, other.confirmations, sign),
                sum(byBandCounts, other.byBandCounts, sign, StratifiedCounts.NONE, StratifiedCounts::plus));
    }

    /** The same totals as those of another window (a bucket's change, counted in each window containing it). */
    WindowTotals in(WindowType type, Instant start, Instant end) {
        return empty(type, start, end, model).plus(this, 1);
    }

    private static final Tally NO_LABELS = new Tally(0, 0);
    private static final ConfidenceBand NO_PREDICTIONS = new ConfidenceBand(0, 0, 0, 0);

    /** How to add {@code sign} times b to a. */
    interface Sum<V> {
        V apply(V a, V b, int sign);
    }

    /** Key by key; a key only one side has is kept (a retraction to zero stays visible, as it did per window). */
    static <V> Map<String, V> sum(Map<String, V> a, Map<String, V> b, int sign, V zero, Sum<V> add) {
        if (b.isEmpty()) {
            return a;
        }
        Map<String, V> next = new TreeMap<>(a);
        b.forEach((key, value) -> {
            V known = next.get(key);
            next.put(key, add.apply(known == null ? zero : known, value, sign));
        });
        return next;
    }

    private static Tally sum(Tally a, Tally b, int sign) {
        return new Tally(a.labelled() + sign * b.labelled(), a.correct() + sign * b.correct());
    }

    private static ConfidenceBand scaled(ConfidenceBand b, int sign) {
        return new ConfidenceBand(
                sign * b.predictions(), sign * b.confidenceSum(), sign * b.randomLabelled(), sign * b.randomCorrect());
    }

    /** @param minLabels per-reason and per-class figures with fewer labels are reported as insufficient */
    public AccuracyWindow toAccuracyWindow(Instant now, long minLabels) {
        return toAccuracyWindow(now, minLabels, List.of());
    }

    /**
     * @param trailing the sampled stratum of the windows before this one, by band: with enough of them, a
     *                 tumbling window's production estimate is the small-area one
     */
    AccuracyWindow toAccuracyWindow(Instant now, long minLabels, List<BandedStratum> trailing) {
        Tally random = byReason.getOrDefault(ReviewReason.RANDOM.wireName(), new Tally(0, 0));
        StratifiedDifferenceEstimate.Result production = counts.estimate();
        Estimate headline = production.overall();
        String method = AccuracyWindow.DESIGN_BASED;
        if (windowType == WindowType.TUMBLING
                && !trailing.isEmpty()
                && !Boolean.TRUE.equals(production.overall().insufficient())) {
            SmallAreaEstimate.Result borrowed =
                    SmallAreaEstimate.of(counts.samples(), Contribution.OTHER, sampledStratumByBand(), trailing);
            if (borrowed.borrowed()) {
                headline = borrowed.overall();
                method = AccuracyWindow.SMALL_AREA;
            }
        }
        Map<String, Stratum> published = new LinkedHashMap<>();
        counts.samples()
                .forEach((name, sample) -> published.put(
                        name,
                        new Stratum(
                                sample.predictions(),
                                Math.max(0, sample.confidenceSum()),
                                counts.requested()
                                        .getOrDefault(name, StratumSample.EMPTY)
                                        .predictions(),
                                sample.labelled(),
                                sample.correct(),
                                production.strata().get(name))));
        return new AccuracyWindow(
                AccuracyWindow.SCHEMA_VERSION,
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
                WilsonInterval.of(random.correct(), random.labelled()),
                HajekEstimate.of(sumW, sumWY, sumW2, sumW2Y),
                labelled == 0 ? null : (double) correct / labelled,
                rate(corrections, correctionsMatching),
                rate(flags, flagsWrong),
                now,
                headline,
                published,
                publishedBands(),
                counts.predicted().predictions(),
                figures(
                        byReason,
                        r -> WilsonInterval.of(
                                byReason.get(r).correct(), byReason.get(r).labelled()),
                        minLabels),
                figures(
                        byPredictedClass,
                        label -> byPredictedClassCounts
                                .getOrDefault(label, StratifiedCounts.NONE)
                                .estimate()
                                .overall(),
                        minLabels),
                figures(byTrueClass, label -> weighted(byTrueClassWeights, label), minLabels),
                rate(confirmations.labelled(), confirmations.correct()),
                production.overall(),
                method);
    }

    private static Estimate weighted(Map<String, WeightedSums> weights, String label) {
        WeightedSums sums = weights.get(label);
        return sums == null ? null : sums.estimate();
    }

    /** Each tally's figure with its interval, or insufficient (with the count) below {@code minLabels} labels. */
    private static Map<String, Estimate> figures(
            Map<String, Tally> tallies, Function<String, Estimate> estimateOf, long minLabels) {
        Map<String, Estimate> figures = new TreeMap<>();
        tallies.forEach((name, tally) -> {
            Estimate e = tally.labelled() < minLabels ? null : estimateOf.apply(name);
            figures.put(
                    name,
                    e == null || e.accuracy() == null
                            ? Estimate.insufficient(Math.max(0, tally.labelled()))
                            : new Estimate(e.accuracy(), e.lower(), e.upper(), e.sampleSize(), false));
        });
        return figures;
    }

    /** Sums of confidences added and retracted may drift a hair below zero; published as zero. */
    private Map<String, ConfidenceBand> publishedBands() {
        Map<String, ConfidenceBand> published = new TreeMap<>();
        bands.forEach((name, b) -> published.put(
                name,
                new ConfidenceBand(
                        b.predictions(), Math.max(0, b.confidenceSum()), b.randomLabelled(), b.randomCorrect())));
        return published;
    }

    private static ConfidenceBand sum(ConfidenceBand a, ConfidenceBand b) {
        return new ConfidenceBand(
                a.predictions() + b.predictions(),
                a.confidenceSum() + b.confidenceSum(),
                a.randomLabelled() + b.randomLabelled(),
                a.randomCorrect() + b.randomCorrect());
    }

    private static Tally add(Tally tally, int sign, int right) {
        Tally t = tally == null ? new Tally(0, 0) : tally;
        return new Tally(t.labelled() + sign, t.correct() + (long) sign * right);
    }

    private static Rate rate(long total, long matching) {
        return new Rate(total, matching, total == 0 ? null : (double) matching / total);
    }
}
