package io.gourmetgram.loop.accuracy.estimate;

import io.gourmetgram.loop.events.AccuracyWindow.Estimate;

/**
 * The Wilson score interval for a binomial proportion: unlike the normal approximation it stays
 * inside [0, 1] and behaves with few labels or accuracy near 1, both common here.
 */
public final class WilsonInterval {

    static final double Z95 = 1.959963984540054;

    private WilsonInterval() {}

    public static Estimate of(long correct, long labelled) {
        if (labelled == 0) {
            return new Estimate(null, null, null, 0);
        }
        return aroundWeighted((double) correct / labelled, labelled);
    }

    /**
     * Wilson's interval around a weighted share p with an effective sample size n (Kish's): for
     * weighted figures of few labels, where the linearized variance collapses to zero as soon as
     * every label agrees.
     */
    public static Estimate aroundWeighted(double p, double n) {
        if (n <= 0) {
            return new Estimate(null, null, null, 0);
        }
        double z2 = Z95 * Z95;
        double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
        double half = Z95 * Math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n);
        return new Estimate(p, Math.max(0, centre - half), Math.min(1, centre + half), n);
    }
}
