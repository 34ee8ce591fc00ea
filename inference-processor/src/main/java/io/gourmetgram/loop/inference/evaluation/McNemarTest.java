package io.gourmetgram.loop.inference.evaluation;

/**
 * McNemar's test for two classifiers scored on the same photos: only the discordant pairs count,
 * {@code b} (production right, candidate wrong) and {@code c} (candidate right, production wrong).
 * Exact two-sided binomial test when b + c ≤ 50, else the chi-square statistic with continuity
 * correction, (|b − c| − 1)² / (b + c), on one degree of freedom.
 */
public record McNemarTest(
        long productionOnlyRight, long candidateOnlyRight, String method, Double statistic, double pValue) {

    static final int EXACT_UP_TO = 50;

    public static McNemarTest of(long b, long c) {
        long n = b + c;
        if (n == 0) {
            return new McNemarTest(b, c, "exact", null, 1.0);
        }
        if (n <= EXACT_UP_TO) {
            long k = Math.min(b, c);
            double tail = 0;
            double term = Math.pow(0.5, n); // C(n, 0) / 2^n
            for (long i = 0; i <= k; i++) {
                tail += term;
                term = term * (n - i) / (i + 1);
            }
            return new McNemarTest(b, c, "exact", null, Math.min(1.0, 2 * tail));
        }
        double chi2 = Math.pow(Math.abs(b - c) - 1.0, 2) / n;
        return new McNemarTest(b, c, "chi-square, continuity-corrected", chi2, erfc(Math.sqrt(chi2 / 2)));
    }

    /** Complementary error function (Chebyshev fit, relative error below 1.2e-7): P(χ²₁ > x) = erfc(√(x/2)). */
    static double erfc(double x) {
        double z = Math.abs(x);
        double t = 1 / (1 + 0.5 * z);
        double r = t
                * Math.exp(
                        -z * z
                                - 1.26551223
                                + t
                                        * (1.00002368
                                                + t
                                                        * (0.37409196
                                                                + t
                                                                        * (0.09678418
                                                                                + t
                                                                                        * (-0.18628806
                                                                                                + t
                                                                                                        * (0.27886807
                                                                                                                + t
                                                                                                                        * (-1.13520398
                                                                                                                                + t
                                                                                                                                        * (1.48851587
                                                                                                                                                + t
                                                                                                                                                        * (-0.82215223
                                                                                                                                                                + t
                                                                                                                                                                        * 0.17087277)))))))));
        return x >= 0 ? r : 2 - r;
    }
}
