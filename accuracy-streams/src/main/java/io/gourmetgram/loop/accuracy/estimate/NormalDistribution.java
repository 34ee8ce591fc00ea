package io.gourmetgram.loop.accuracy.estimate;

/** The standard normal distribution function, for intervals built from normal mixtures. */
final class NormalDistribution {

    private NormalDistribution() {}

    /** Φ(z), to about 1e-7 (Abramowitz &amp; Stegun 7.1.26 for erf). */
    static double cdf(double z) {
        double x = Math.abs(z) / Math.sqrt(2);
        double t = 1 / (1 + 0.3275911 * x);
        double poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
        double erf = 1 - poly * Math.exp(-x * x);
        return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
    }
}
