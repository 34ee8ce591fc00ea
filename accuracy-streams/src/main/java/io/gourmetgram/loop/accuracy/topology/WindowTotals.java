package io.gourmetgram.loop.accuracy.topology;

import io.gourmetgram.loop.accuracy.estimate.HajekEstimate;
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
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Running sums for one window and model, kept so that a contribution can be added and later
 * subtracted exactly (state store {@code accuracy-windows}). Estimates are derived, never stored.
 *
 * @param predicted  every prediction in the window (count and confidence sum; no labels)
 * @param strata     per sampling stratum: uploads requested for review (as "predictions") and their labels
 * @param bands      per confidence band: predictions, and the random sample's labels
 * @param byPredictedClassWeights weighted sums per predicted label
 * @param byTrueClassWeights      weighted sums per human label
 */
public record WindowTotals(WindowType windowType, Instant windowStart, Instant windowEnd, ModelRef model,
                           long labelled, long correct,
                           Map<String, Tally> byReason, Map<String, Tally> byPredictedClass, Map<String, Tally> byTrueClass,
                           Map<String, Map<String, Long>> confusion,
                           double sumW, double sumWY, double sumW2, double sumW2Y,
                           long corrections, long correctionsMatching, long flags, long flagsWrong,
                           StratumSample predicted, Map<String, StratumSample> strata, Map<String, ConfidenceBand> bands,
                           Map<String, WeightedSums> byPredictedClassWeights, Map<String, WeightedSums> byTrueClassWeights) {

    /** Totals stored before the strata were kept read with empty ones. */
    public WindowTotals {
        predicted = predicted == null ? StratumSample.EMPTY : predicted;
        strata = strata == null ? Map.of() : strata;
        bands = bands == null ? Map.of() : bands;
        byPredictedClassWeights = byPredictedClassWeights == null ? Map.of() : byPredictedClassWeights;
        byTrueClassWeights = byTrueClassWeights == null ? Map.of() : byTrueClassWeights;
    }

    static WindowTotals empty(WindowDelta first) {
        return new WindowTotals(first.windowType(), first.windowStart(), first.windowEnd(), first.model(),
                0, 0, Map.of(), Map.of(), Map.of(), Map.of(), 0, 0, 0, 0, 0, 0, 0, 0,
                StratumSample.EMPTY, Map.of(), Map.of(), Map.of(), Map.of());
    }

    WindowTotals apply(WindowDelta delta) {
        int s = delta.sign();
        if (delta.prediction() != null) {
            double confidence = delta.prediction().confidence();
            Map<String, ConfidenceBand> nextBands = new TreeMap<>(bands);
            nextBands.merge(ConfidenceBands.of(confidence), new ConfidenceBand(s, s * confidence, 0, 0), WindowTotals::sum);
            return with(predicted.withPredictions(s, confidence), strata, nextBands);
        }
        Contribution c = delta.contribution();
        if (c.confidence() == null) { // stored before strata were kept: it was never counted in them
            return c.labelled() ? withLabel(c, s) : this;
        }
        double confidence = c.confidence();
        Map<String, StratumSample> nextStrata = new TreeMap<>(strata);
        StratumSample stratum = nextStrata.getOrDefault(c.stratum(), StratumSample.EMPTY).withPredictions(s, confidence);
        if (!c.labelled()) {
            nextStrata.put(c.stratum(), stratum);
            return with(predicted, nextStrata, bands);
        }
        nextStrata.put(c.stratum(), stratum.withLabel(s, confidence, c.correct()));
        Map<String, ConfidenceBand> nextBands = new TreeMap<>(bands);
        if (c.reasons().contains(ReviewReason.RANDOM.wireName())) {
            int right = c.correct() ? 1 : 0;
            nextBands.merge(ConfidenceBands.of(confidence), new ConfidenceBand(0, 0, s, (long) s * right), WindowTotals::sum);
        }
        return with(predicted, nextStrata, nextBands).withLabel(c, s);
    }

    private WindowTotals with(StratumSample nextPredicted, Map<String, StratumSample> nextStrata,
                              Map<String, ConfidenceBand> nextBands) {
        return new WindowTotals(windowType, windowStart, windowEnd, model, labelled, correct, byReason, byPredictedClass,
                byTrueClass, confusion, sumW, sumWY, sumW2, sumW2Y, corrections, correctionsMatching, flags, flagsWrong,
                nextPredicted, nextStrata, nextBands, byPredictedClassWeights, byTrueClassWeights);
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
        Map<String, WeightedSums> predictedWeights = new TreeMap<>(byPredictedClassWeights);
        predictedWeights.put(c.predicted(), predictedWeights.getOrDefault(c.predicted(), WeightedSums.NONE).add(s, w, c.correct()));
        Map<String, WeightedSums> trueWeights = new TreeMap<>(byTrueClassWeights);
        trueWeights.put(c.truth(), trueWeights.getOrDefault(c.truth(), WeightedSums.NONE).add(s, w, c.correct()));
        boolean corrected = c.userCorrection() != null;
        return new WindowTotals(windowType, windowStart, windowEnd, model, labelled + s, correct + (long) s * right,
                reasons, predictedTallies, truth, matrix,
                sumW + s * w, sumWY + s * w * right, sumW2 + s * w * w, sumW2Y + s * w * w * right,
                corrections + (corrected ? s : 0), correctionsMatching + (corrected && c.userCorrection().equals(c.truth()) ? s : 0),
                flags + (c.flagged() ? s : 0), flagsWrong + (c.flagged() && !c.correct() ? s : 0),
                predicted, strata, bands, predictedWeights, trueWeights);
    }

    /** @param minLabels per-reason and per-class figures with fewer labels are reported as insufficient */
    public AccuracyWindow toAccuracyWindow(Instant now, long minLabels) {
        Tally random = byReason.getOrDefault(ReviewReason.RANDOM.wireName(), new Tally(0, 0));
        Map<String, StratumSample> samples = samples();
        StratifiedDifferenceEstimate.Result production = StratifiedDifferenceEstimate.of(samples);
        long requested = samples.get(Contribution.FEEDBACK).predictions() + samples.get(Contribution.LOW_CONFIDENCE).predictions();
        Estimate overall = predicted.predictions() < requested ? Estimate.insufficient(labelled) : production.overall();
        Map<String, Stratum> published = new LinkedHashMap<>();
        samples.forEach((name, sample) -> published.put(name, new Stratum(sample.predictions(), Math.max(0, sample.confidenceSum()),
                strata.getOrDefault(name, StratumSample.EMPTY).predictions(), sample.labelled(), sample.correct(),
                production.strata().get(name))));
        return new AccuracyWindow(AccuracyWindow.SCHEMA_VERSION, windowType, windowStart, windowEnd, model, labelled, correct,
                byReason, byPredictedClass, byTrueClass, confusion,
                WilsonInterval.of(random.correct(), random.labelled()),
                HajekEstimate.of(sumW, sumWY, sumW2, sumW2Y),
                labelled == 0 ? null : (double) correct / labelled,
                rate(corrections, correctionsMatching), rate(flags, flagsWrong), now,
                overall, published, publishedBands(), predicted.predictions(),
                figures(byReason, r -> WilsonInterval.of(byReason.get(r).correct(), byReason.get(r).labelled()), minLabels),
                figures(byPredictedClass, label -> weighted(byPredictedClassWeights, label), minLabels),
                figures(byTrueClass, label -> weighted(byTrueClassWeights, label), minLabels));
    }

    private static Estimate weighted(Map<String, WeightedSums> weights, String label) {
        WeightedSums sums = weights.get(label);
        return sums == null ? null : sums.estimate();
    }

    /**
     * The estimator's strata: feedback and low confidence as requested (every such prediction is
     * requested, whether or not the budget let it through), and the rest — all predictions less
     * those — with the random sample's labels.
     */
    private Map<String, StratumSample> samples() {
        StratumSample feedback = strata.getOrDefault(Contribution.FEEDBACK, StratumSample.EMPTY);
        StratumSample lowConfidence = strata.getOrDefault(Contribution.LOW_CONFIDENCE, StratumSample.EMPTY);
        long rest = predicted.predictions() - feedback.predictions() - lowConfidence.predictions();
        // fewer predictions seen than requested (predictions not read, e.g. before this version): no rest stratum
        StratumSample other = strata.getOrDefault(Contribution.OTHER, StratumSample.EMPTY).withPopulation(Math.max(0, rest),
                rest <= 0 ? 0 : Math.max(0, predicted.confidenceSum() - feedback.confidenceSum() - lowConfidence.confidenceSum()));
        Map<String, StratumSample> samples = new LinkedHashMap<>();
        samples.put(Contribution.FEEDBACK, feedback);
        samples.put(Contribution.LOW_CONFIDENCE, lowConfidence);
        samples.put(Contribution.OTHER, other);
        return samples;
    }

    /** Each tally's figure with its interval, or insufficient (with the count) below {@code minLabels} labels. */
    private static Map<String, Estimate> figures(Map<String, Tally> tallies, Function<String, Estimate> estimateOf,
                                                 long minLabels) {
        Map<String, Estimate> figures = new TreeMap<>();
        tallies.forEach((name, tally) -> {
            Estimate e = tally.labelled() < minLabels ? null : estimateOf.apply(name);
            figures.put(name, e == null ? Estimate.insufficient(Math.max(0, tally.labelled()))
                    : new Estimate(e.accuracy(), e.lower(), e.upper(), e.sampleSize(), false));
        });
        return figures;
    }

    /** Sums of confidences added and retracted may drift a hair below zero; published as zero. */
    private Map<String, ConfidenceBand> publishedBands() {
        Map<String, ConfidenceBand> published = new TreeMap<>();
        bands.forEach((name, b) -> published.put(name, new ConfidenceBand(b.predictions(), Math.max(0, b.confidenceSum()),
                b.randomLabelled(), b.randomCorrect())));
        return published;
    }

    private static ConfidenceBand sum(ConfidenceBand a, ConfidenceBand b) {
        return new ConfidenceBand(a.predictions() + b.predictions(), a.confidenceSum() + b.confidenceSum(),
                a.randomLabelled() + b.randomLabelled(), a.randomCorrect() + b.randomCorrect());
    }

    private static Tally add(Tally tally, int sign, int right) {
        Tally t = tally == null ? new Tally(0, 0) : tally;
        return new Tally(t.labelled() + sign, t.correct() + (long) sign * right);
    }

    private static Rate rate(long total, long matching) {
        return new Rate(total, matching, total == 0 ? null : (double) matching / total);
    }
}
