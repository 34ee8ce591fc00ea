package io.gourmetgram.loop.accuracy.estimate;

import io.gourmetgram.loop.accuracy.estimate.StratifiedDifferenceEstimate.Interval;
import io.gourmetgram.loop.events.AccuracyWindow.Estimate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Hourly production accuracy that borrows strength from the preceding hours (small-area estimation).
 *
 * <p>An hour's sampled stratum ({@code other}) has only its random labels, about 38 at a 2 % rate, so
 * its own (design-based) estimate {@code D} is ±7 points. But the stream knows the confidence of every
 * prediction in the hour, and the trailing hours' random labels (~900 a day) say how often the model is
 * right at each confidence band. Hence:
 *
 * <ol>
 *   <li><b>Calibration</b> from the trailing hours: per band b, r_b = mean (y − c) over their labels
 *       (the pooled mean where a band has fewer than {@value #MIN_BAND_LABELS}).
 *   <li><b>Prediction</b> for the hour from all its predictions: S = (Σ c + Σ_b N_b·r_b) / N.
 *   <li><b>Combination</b> (Fay–Herriot empirical Bayes): estimate = S + γ·(D − S), with
 *       γ = A / (A + ψ): ψ the variance of D (the pooled residual variance, with the finite-population
 *       correction), A the variance of the hour's truth around S — the unlabelled predictions' own
 *       coin flips, the calibration's error, and σ², how much hours really differ from their
 *       prediction, estimated from the trailing hours by moments (Prasad–Rao).
 *   <li><b>Honesty when the hour is unusual.</b> The prior for the hour's departure from S is a mixture:
 *       with probability {@value #DEPARTURE_PRIOR} it may depart by a further {@value #DEPARTURE_SD}
 *       (standard deviation; drift, a bad batch). When D and S disagree more than the narrow part
 *       explains, the posterior moves weight to the wide part: the estimate leans on the hour's own labels
 *       and the interval stretches towards them.
 *   <li><b>Interval</b>: the 2.5 % and 97.5 % quantiles of that posterior mixture, the narrow part's
 *       variance increased by the Prasad–Rao term for σ² being estimated from few hours.
 * </ol>
 *
 * <p>Other strata (fully labelled ones, usually) keep their design-based estimates; strata combine as in
 * {@link StratifiedDifferenceEstimate}. Without enough trailing labels (or trailing hours to estimate σ²)
 * the result is the design-based estimate, and says so.
 */
public final class SmallAreaEstimate {

    /** Prior share of hours whose accuracy departs from what their confidences predict. */
    static final double DEPARTURE_PRIOR = 0.3;

    /** Prior standard deviation of such a departure (accuracy, 0–1). */
    static final double DEPARTURE_SD = 0.10;

    /** Fewer random labels in the trailing hours' sampled stratum: no calibration. */
    public static final int MIN_CALIBRATION_LABELS = 100;

    /** Fewer trailing hours with at least 2 labels: σ² cannot be estimated. */
    public static final int MIN_TRAILING_HOURS = 6;

    /** A band with fewer trailing labels uses the stratum's pooled residual. */
    static final int MIN_BAND_LABELS = 5;

    /** (0.1 pp)²: below any variance that matters here. */
    private static final double VARIANCE_FLOOR = 1e-6;

    /**
     * @param overall        the production estimate
     * @param designBased    the hour's design-based estimate ({@link StratifiedDifferenceEstimate}), with its strata
     * @param borrowed       whether the trailing hours were used (false: {@code overall} is the design-based one)
     * @param ownLabelWeight the weight of the hour's own labels in the sampled stratum (γ, 1 when not borrowed)
     */
    public record Result(
            Estimate overall,
            StratifiedDifferenceEstimate.Result designBased,
            boolean borrowed,
            double ownLabelWeight) {}

    private SmallAreaEstimate() {}

    /**
     * @param strata   the hour's strata, as for {@link StratifiedDifferenceEstimate}
     * @param sampled  the stratum seen only through the random sample (its bands below add up to it)
     * @param hour     that stratum in this hour, by confidence band
     * @param trailing that stratum in the preceding hours (e.g. 24) of the same model version, by band
     */
    public static Result of(
            Map<String, StratumSample> strata, String sampled, BandedStratum hour, List<BandedStratum> trailing) {
        StratifiedDifferenceEstimate.Result design = StratifiedDifferenceEstimate.of(strata);
        StratumSample own = strata.getOrDefault(sampled, StratumSample.EMPTY);
        long bigN = own.predictions();
        long n = own.labelled();
        if (Boolean.TRUE.equals(design.overall().insufficient()) || bigN <= 0 || n >= bigN || n < 2) {
            return new Result(design.overall(), design, false, 1);
        }
        Calibration calibration = Calibration.from(trailing, hour.bands().size());
        if (calibration == null) {
            return new Result(design.overall(), design, false, 1);
        }
        BetweenHours between = calibration.betweenHours(trailing);
        if (between.hours() < MIN_TRAILING_HOURS) {
            return new Result(design.overall(), design, false, 1);
        }
        double direct = own.confidenceSum() / bigN + own.residualSum() / n;
        // floors: labels that all agree (zero sample variance) must not make the weights 0/0
        double psi = Math.max(calibration.directVariance(own), VARIANCE_FLOOR);
        double prediction = calibration.predict(hour);
        double a = Math.max(
                calibration.ownNoise(hour, n) + calibration.predictionVariance(hour) + between.variance(),
                VARIANCE_FLOOR);
        Posterior posterior = Posterior.of(direct - prediction, a, psi, between.hours());
        Interval interval = new Interval(
                prediction + posterior.mean(),
                prediction + posterior.quantile(0.025),
                prediction + posterior.quantile(0.975));
        Estimate overall = StratifiedDifferenceEstimate.of(strata, Map.of(sampled, interval))
                .overall();
        return new Result(overall, design, true, posterior.ownLabelWeight());
    }

    /** P(right | band) learned from the trailing hours' labels, as a residual over the confidence. */
    private static final class Calibration {
        private final double[] residual;
        private final double[] residualVariance;
        private final long[] labels;
        private final double pooledVariance;

        private Calibration(double[] residual, double[] residualVariance, long[] labels, double pooledVariance) {
            this.residual = residual;
            this.residualVariance = residualVariance;
            this.labels = labels;
            this.pooledVariance = pooledVariance;
        }

        static Calibration from(List<BandedStratum> trailing, int bands) {
            StratumSample[] sum = new StratumSample[bands];
            Arrays.fill(sum, StratumSample.EMPTY);
            for (BandedStratum h : trailing) {
                for (int b = 0; b < bands; b++) {
                    sum[b] = sum[b].plus(h.bands().get(b));
                }
            }
            StratumSample pooled = Arrays.stream(sum).reduce(StratumSample.EMPTY, StratumSample::plus);
            long total = pooled.labelled();
            if (total < MIN_CALIBRATION_LABELS) {
                return null;
            }
            double pooledMean = pooled.residualSum() / total;
            double pooledVariance = variance(pooled.residualSquareSum(), pooledMean, total);
            double[] residual = new double[bands];
            double[] residualVariance = new double[bands];
            long[] labels = new long[bands];
            for (int b = 0; b < bands; b++) {
                labels[b] = sum[b].labelled();
                boolean own = labels[b] >= MIN_BAND_LABELS;
                residual[b] = own ? sum[b].residualSum() / labels[b] : pooledMean;
                residualVariance[b] =
                        own ? variance(sum[b].residualSquareSum(), residual[b], labels[b]) : pooledVariance;
            }
            return new Calibration(residual, residualVariance, labels, pooledVariance);
        }

        /**
         * The residuals' variance with four pseudo-labels of residual ±½ added (as Agresti and Coull add
         * two right and two wrong): labels that all agree do not claim that nothing varies.
         */
        private static double variance(double sumSquares, double mean, long n) {
            double sum = n * mean;
            long pseudo = n + 4;
            return Math.max(0, (sumSquares + 1 - sum * sum / pseudo) / (pseudo - 1));
        }

        /** S: the hour's accuracy predicted from all its predictions' confidences. */
        double predict(BandedStratum hour) {
            double sum = 0;
            long bigN = 0;
            for (int b = 0; b < residual.length; b++) {
                StratumSample s = hour.bands().get(b);
                sum += s.confidenceSum() + s.predictions() * residual[b];
                bigN += s.predictions();
            }
            return sum / bigN;
        }

        /** ψ: variance of the hour's design-based estimate, from the pooled residual variance. */
        double directVariance(StratumSample own) {
            long n = own.labelled();
            return (1 - (double) n / own.predictions()) / n * pooledVariance;
        }

        /** The unlabelled predictions' own coin flips: the truth varies around S even if S is exact. */
        double ownNoise(BandedStratum hour, long labelled) {
            long bigN = hour.total().predictions();
            double sum = 0;
            for (int b = 0; b < residual.length; b++) {
                StratumSample s = hour.bands().get(b);
                if (s.predictions() > 0) {
                    double g = Math.clamp(s.confidenceSum() / s.predictions() + residual[b], 0, 1);
                    sum += s.predictions() * g * (1 - g);
                }
            }
            return sum / ((double) bigN * bigN) * (1 - (double) labelled / bigN);
        }

        /** The calibration's own sampling error, carried into S. */
        double predictionVariance(BandedStratum hour) {
            double bigN = hour.total().predictions();
            double sum = 0;
            for (int b = 0; b < residual.length; b++) {
                double share = hour.bands().get(b).predictions() / bigN;
                sum += share * share * residualVariance[b] / Math.max(1, labels[b]);
            }
            return sum;
        }

        /**
         * σ²: how far trailing hours' design-based estimates were from their predictions, beyond what
         * sampling explains (moments, truncated at 0), and from how many hours.
         */
        BetweenHours betweenHours(List<BandedStratum> trailing) {
            double sum = 0;
            int hours = 0;
            for (BandedStratum h : trailing) {
                StratumSample s = h.total();
                long n = s.labelled();
                if (n < 2 || n >= s.predictions()) {
                    continue;
                }
                double direct = s.confidenceSum() / s.predictions() + s.residualSum() / n;
                double departure = direct - predict(h);
                sum += departure * departure - directVariance(s) - ownNoise(h, n);
                hours++;
            }
            return new BetweenHours(hours == 0 ? 0 : Math.max(0, sum / hours), hours);
        }
    }

    /** σ², the variance of hours' true departures from their predictions, estimated from {@code hours} hours. */
    private record BetweenHours(double variance, int hours) {}

    /**
     * The hour's departure from its prediction given x = D − S: a two-part normal mixture (the narrow
     * prior N(0, A) and the wide one N(0, A + {@value #DEPARTURE_SD}²)), each updated by D's variance ψ.
     */
    private record Posterior(
            double wide, double narrowMean, double narrowVar, double wideMean, double wideVar, double ownLabelWeight) {

        static Posterior of(double x, double a, double psi, int hours) {
            double aWide = a + DEPARTURE_SD * DEPARTURE_SD;
            double gamma = a / (a + psi);
            double gammaWide = aWide / (aWide + psi);
            // Prasad–Rao: σ² estimated by moments from `hours` hours adds about 2ψ²/(m(A + ψ)) to the MSE
            double estimationTerm = 2 * psi * psi / (hours * (a + psi));
            double logNarrow = logNormalDensity(x, a + psi) + Math.log(1 - DEPARTURE_PRIOR);
            double logWide = logNormalDensity(x, aWide + psi) + Math.log(DEPARTURE_PRIOR);
            double wide = 1 / (1 + Math.exp(logNarrow - logWide));
            return new Posterior(
                    wide,
                    gamma * x,
                    gamma * psi + estimationTerm,
                    gammaWide * x,
                    gammaWide * psi,
                    (1 - wide) * gamma + wide * gammaWide);
        }

        double mean() {
            return (1 - wide) * narrowMean + wide * wideMean;
        }

        double cdf(double t) {
            return (1 - wide) * NormalDistribution.cdf((t - narrowMean) / Math.sqrt(narrowVar))
                    + wide * NormalDistribution.cdf((t - wideMean) / Math.sqrt(wideVar));
        }

        /** By bisection: the mixture's CDF is monotone, and departures lie within ±1. */
        double quantile(double p) {
            double lo = -1.5;
            double hi = 1.5;
            for (int i = 0; i < 60; i++) {
                double mid = (lo + hi) / 2;
                if (cdf(mid) < p) {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            return (lo + hi) / 2;
        }

        private static double logNormalDensity(double x, double variance) {
            return -x * x / (2 * variance) - 0.5 * Math.log(2 * Math.PI * variance);
        }
    }
}
