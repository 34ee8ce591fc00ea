package io.gourmetgram.loop.accuracy.topology;

import io.gourmetgram.loop.accuracy.estimate.HajekEstimate;
import io.gourmetgram.loop.accuracy.estimate.WilsonInterval;
import io.gourmetgram.loop.events.AccuracyWindow;
import io.gourmetgram.loop.events.AccuracyWindow.Rate;
import io.gourmetgram.loop.events.AccuracyWindow.Tally;
import io.gourmetgram.loop.events.ModelRef;
import io.gourmetgram.loop.events.ReviewReason;
import io.gourmetgram.loop.events.WindowType;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * Running sums for one window and model, kept so that a contribution can be added and later
 * subtracted exactly (state store {@code accuracy-windows}). Estimates are derived, never stored.
 */
public record WindowTotals(WindowType windowType, Instant windowStart, Instant windowEnd, ModelRef model,
                           long labelled, long correct,
                           Map<String, Tally> byReason, Map<String, Tally> byPredictedClass, Map<String, Tally> byTrueClass,
                           Map<String, Map<String, Long>> confusion,
                           double sumW, double sumWY, double sumW2, double sumW2Y,
                           long corrections, long correctionsMatching, long flags, long flagsWrong) {

    static WindowTotals empty(WindowDelta first) {
        return new WindowTotals(first.windowType(), first.windowStart(), first.windowEnd(), first.contribution().model(),
                0, 0, Map.of(), Map.of(), Map.of(), Map.of(), 0, 0, 0, 0, 0, 0, 0, 0);
    }

    WindowTotals apply(WindowDelta delta) {
        Contribution c = delta.contribution();
        int s = delta.sign();
        int right = c.correct() ? 1 : 0;
        Map<String, Tally> reasons = new TreeMap<>(byReason);
        c.reasons().forEach(r -> reasons.put(r, add(reasons.get(r), s, right)));
        Map<String, Tally> predicted = new TreeMap<>(byPredictedClass);
        predicted.put(c.predicted(), add(predicted.get(c.predicted()), s, right));
        Map<String, Tally> truth = new TreeMap<>(byTrueClass);
        truth.put(c.truth(), add(truth.get(c.truth()), s, right));
        Map<String, Map<String, Long>> matrix = new TreeMap<>(confusion);
        Map<String, Long> row = new TreeMap<>(matrix.getOrDefault(c.truth(), Map.of()));
        row.merge(c.predicted(), (long) s, Long::sum);
        matrix.put(c.truth(), row);
        double w = c.weight();
        boolean corrected = c.userCorrection() != null;
        return new WindowTotals(windowType, windowStart, windowEnd, model, labelled + s, correct + (long) s * right,
                reasons, predicted, truth, matrix,
                sumW + s * w, sumWY + s * w * right, sumW2 + s * w * w, sumW2Y + s * w * w * right,
                corrections + (corrected ? s : 0), correctionsMatching + (corrected && c.userCorrection().equals(c.truth()) ? s : 0),
                flags + (c.flagged() ? s : 0), flagsWrong + (c.flagged() && !c.correct() ? s : 0));
    }

    public AccuracyWindow toAccuracyWindow(Instant now) {
        Tally random = byReason.getOrDefault(ReviewReason.RANDOM.wireName(), new Tally(0, 0));
        return new AccuracyWindow(AccuracyWindow.SCHEMA_VERSION, windowType, windowStart, windowEnd, model, labelled, correct,
                byReason, byPredictedClass, byTrueClass, confusion,
                WilsonInterval.of(random.correct(), random.labelled()),
                HajekEstimate.of(sumW, sumWY, sumW2, sumW2Y),
                labelled == 0 ? null : (double) correct / labelled,
                rate(corrections, correctionsMatching), rate(flags, flagsWrong), now);
    }

    private static Tally add(Tally tally, int sign, int right) {
        Tally t = tally == null ? new Tally(0, 0) : tally;
        return new Tally(t.labelled() + sign, t.correct() + (long) sign * right);
    }

    private static Rate rate(long total, long matching) {
        return new Rate(total, matching, total == 0 ? null : (double) matching / total);
    }
}
