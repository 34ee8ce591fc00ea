package io.gourmetgram.loop.accuracy.estimate;

import io.gourmetgram.loop.events.AccuracyWindow.Estimate;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Production accuracy from every prediction the model made in a window, not only the labelled ones.
 *
 * <p><b>Stratified.</b> The window's predictions fall into sampling strata whose sizes are known
 * exactly (feedback, low confidence, the rest). Within a stratum, the labelled predictions are
 * treated as a simple random sample of it (the random rule is a hash; budget and annotator lag are
 * assumed unrelated to correctness). Each stratum's accuracy is weighted by its known share of the
 * window, N_h / N — not by a random sum of weights, which is what makes the Hájek ratio jumpy.
 *
 * <p><b>Difference estimator.</b> Within stratum h, accuracy = mean over the labelled of
 * (y − c) + mean confidence of all N_h predictions, with y = 1 for a right prediction and c the
 * model's confidence. Unbiased whatever the model's calibration (the correction term is estimated
 * from the labelled sample); the better confidence tracks correctness, the smaller the variance.
 * This is the prediction-powered-inference estimator with a rectifier per stratum.
 *
 * <p><b>Interval.</b> Per stratum, a score interval (Wilson's idea applied to the difference
 * estimator): all θ with (θ̂ − θ)² ≤ k·(θ(1 − θ) + s_c² − 2 s_yc), with k = t²·(1 − n/N)/n, t
 * Student's 95 % quantile with n − 1 degrees of freedom and (1 − n/N) the finite-population
 * correction. The variance of y is taken at the hypothesised θ rather than from the sample, so the
 * interval does not collapse when a handful of labels happen to be all right. A fully labelled
 * stratum is exact. Strata combine by MOVER (Zou &amp; Donner 2008): each side's half-widths add in
 * quadrature, weighted by N_h / N.
 */
public final class StratifiedDifferenceEstimate {

    /** The overall estimate and each stratum's own. */
    public record Result(Estimate overall, Map<String, Estimate> strata) {}

    private StratifiedDifferenceEstimate() {}

    public static Result of(Map<String, StratumSample> strata) {
        return of(strata, Map.of());
    }

    /**
     * As {@link #of(Map)}, with the named strata's accuracy and interval given (by {@link SmallAreaEstimate})
     * rather than computed from their own labels alone.
     */
    static Result of(Map<String, StratumSample> strata, Map<String, Interval> given) {
        long population =
                strata.values().stream().mapToLong(StratumSample::predictions).sum();
        long labels =
                strata.values().stream().mapToLong(StratumSample::labelled).sum();
        Map<String, Estimate> perStratum = new LinkedHashMap<>();
        boolean insufficient = population <= 0;
        double estimate = 0;
        double below = 0;
        double above = 0;
        for (Map.Entry<String, StratumSample> entry : strata.entrySet()) {
            StratumSample s = entry.getValue();
            Interval i = given.containsKey(entry.getKey()) ? given.get(entry.getKey()) : stratum(s);
            if (i == null) {
                perStratum.put(entry.getKey(), Estimate.insufficient(Math.max(0, s.labelled())));
                insufficient |= s.predictions() != 0 || s.labelled() != 0;
                continue;
            }
            perStratum.put(
                    entry.getKey(), new Estimate(clip(i.estimate), clip(i.lower), clip(i.upper), s.labelled(), false));
            double share = (double) s.predictions() / population;
            estimate += share * i.estimate;
            below += square(share * (i.estimate - i.lower));
            above += square(share * (i.upper - i.estimate));
        }
        if (insufficient) {
            return new Result(Estimate.insufficient(labels), perStratum);
        }
        return new Result(
                new Estimate(
                        clip(estimate),
                        clip(estimate - Math.sqrt(below)),
                        clip(estimate + Math.sqrt(above)),
                        labels,
                        false),
                perStratum);
    }

    /** A stratum's accuracy and 95 % interval, not yet clipped to [0, 1]. */
    record Interval(double estimate, double lower, double upper) {}

    /** The stratum's own difference estimate and score interval. Null when the stratum cannot be estimated: predictions without at least 2 labels (unless all are), or more labels than predictions. */
    static Interval stratum(StratumSample s) {
        long bigN = s.predictions();
        long n = s.labelled();
        if (bigN <= 0 || n <= 0 || n > bigN) {
            return null;
        }
        double theta = (s.correct() - s.labelledConfidence()) / n + s.confidenceSum() / bigN;
        if (n == bigN) {
            return new Interval(theta, theta, theta); // every prediction labelled: exact
        }
        if (n < 2) {
            return null;
        }
        double varC = (s.labelledConfidence2() - s.labelledConfidence() * s.labelledConfidence() / n) / (n - 1);
        double covYC = (s.correctConfidence() - s.correct() * s.labelledConfidence() / n) / (n - 1);
        double a = Math.max(0, varC) - 2 * covYC;
        double t = StudentT.quantile975(n - 1);
        double k = t * t * (1 - (double) n / bigN) / n;
        // (θ̂ − θ)² = k(θ(1 − θ) + a)  ⇔  (1 + k)θ² − (2θ̂ + k)θ + θ̂² − k·a = 0
        double b = 2 * theta + k;
        double discriminant = b * b - 4 * (1 + k) * (theta * theta - k * a);
        double lower;
        double upper;
        if (discriminant >= 0) {
            double root = Math.sqrt(discriminant);
            lower = (b - root) / (2 * (1 + k));
            upper = (b + root) / (2 * (1 + k));
        } else { // a strongly negative sample covariance: fall back to the residuals' own variance
            double sumE2 = s.residualSquareSum();
            double meanE = s.residualSum() / n;
            double half = Math.sqrt(k * Math.max(0, (sumE2 - n * meanE * meanE) / (n - 1)));
            lower = theta - half;
            upper = theta + half;
        }
        return new Interval(theta, Math.min(lower, theta), Math.max(upper, theta));
    }

    private static double square(double v) {
        return v * v;
    }

    private static double clip(double v) {
        return Math.max(0, Math.min(1, v));
    }
}
