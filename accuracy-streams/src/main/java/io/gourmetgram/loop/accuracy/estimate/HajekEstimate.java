package io.gourmetgram.loop.accuracy.estimate;

import io.gourmetgram.loop.events.AccuracyWindow.Estimate;

/**
 * Inverse-probability-weighted accuracy (Hájek ratio estimator): each labelled upload counts
 * 1/π, π being the probability that an upload like it was sent for labelling. This undoes the
 * over-representation of low-confidence and flagged uploads among the labelled ones.
 *
 * <p>Variance by linearization, V = Σ w²(y − p)² / (Σw)², computed from four running sums so a
 * label can be added and retracted; the interval is p ± 1.96 √V clipped to [0, 1]; the sample
 * size reported is Kish's effective n = (Σw)² / Σw².
 */
public final class HajekEstimate {

    private HajekEstimate() {}

    /**
     * @param sumW   Σ w
     * @param sumWY  Σ w·y (y = 1 when the prediction was right)
     * @param sumW2  Σ w²
     * @param sumW2Y Σ w²·y
     */
    public static Estimate of(double sumW, double sumWY, double sumW2, double sumW2Y) {
        if (sumW <= 0) {
            return new Estimate(null, null, null, 0);
        }
        double p = clip(sumWY / sumW);
        double numerator = (1 - p) * (1 - p) * sumW2Y + p * p * (sumW2 - sumW2Y);
        double se = Math.sqrt(Math.max(0, numerator)) / sumW;
        double effectiveN = sumW2 > 0 ? sumW * sumW / sumW2 : 0;
        return new Estimate(p, clip(p - WilsonInterval.Z95 * se), clip(p + WilsonInterval.Z95 * se), effectiveN);
    }

    private static double clip(double v) {
        return Math.max(0, Math.min(1, v));
    }
}
