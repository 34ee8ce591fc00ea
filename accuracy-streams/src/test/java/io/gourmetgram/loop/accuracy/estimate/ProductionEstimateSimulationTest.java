package io.gourmetgram.loop.accuracy.estimate;

import static org.assertj.core.api.Assertions.assertThat;

import io.gourmetgram.loop.events.AccuracyWindow.Estimate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The production estimate's maths against synthetic hours of known truth, sampled as
 * sampling-streams does: the random rule takes each prediction with probability 2 %, every
 * low-confidence (c &lt; 0.7) and every flagged prediction is labelled. Hours of 2,000 predictions;
 * days are 24 of them. Checked: no bias, 95 % intervals that cover the truth, and the error.
 *
 * <p>CI runs 480 hours (20 days) per population in a few seconds. A larger run prints the README's
 * table: {@code -Dsimulation.windows=24000}.
 */
class ProductionEstimateSimulationTest {

    static final int HOURS = Integer.getInteger("simulation.windows", 480);
    static final int PER_HOUR = 2_000;
    static final double RANDOM_RATE = 0.02;

    @ParameterizedTest(name = "{0}")
    @EnumSource(SyntheticTraffic.class)
    void hourlyEstimatesAreUnbiasedAndTheirIntervalsKeepTheirPromise(SyntheticTraffic traffic) {
        Outcome hourly = simulate(traffic, RANDOM_RATE, 1, 2026);

        System.out.println(hourly.row(traffic.description + ", hourly, 2 %"));
        assertThat(hourly.coverage()).as("95 %% intervals covering the truth").isGreaterThanOrEqualTo(0.94);
        assertThat(Math.abs(hourly.bias())).as("mean signed error").isLessThanOrEqualTo(3 * hourly.biasStandardError());
        assertThat(hourly.insufficient()).isZero();
    }

    @Test
    void theHajekRatioMissesTheTruthTooOftenWhereTheProductionEstimateDoesNot() {
        Outcome hourly = simulate(SyntheticTraffic.CALIBRATED, RANDOM_RATE, 1, 7);

        assertThat(hourly.hajekCoverage()).isLessThan(0.93);
        assertThat(hourly.coverage()).isGreaterThanOrEqualTo(0.94);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(
            value = SyntheticTraffic.class,
            names = {"CALIBRATED", "UNSURE"})
    void withCalibratedConfidenceTheHourlyErrorIsAtTheFloorOfAnyUnbiasedEstimateFromTheseLabels(
            SyntheticTraffic traffic) {
        Outcome hourly = simulate(traffic, RANDOM_RATE, 1, 3);

        assertThat(hourly.meanAbsoluteError()).isLessThanOrEqualTo(1.1 * hourly.floorMeanAbsoluteError());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(
            value = SyntheticTraffic.class,
            names = {"CALIBRATED", "UNSURE"})
    void atTheDefaultFivePercentRandomRateHourlyEstimatesAreWithinTwoAndAHalfPointsOnAverage(SyntheticTraffic traffic) {
        Outcome hourly = simulate(traffic, 0.05, 1, 5);

        System.out.println(hourly.row(traffic.description + ", hourly, 5 %"));
        assertThat(hourly.meanAbsoluteError()).isLessThanOrEqualTo(0.025);
        assertThat(hourly.coverage()).isGreaterThanOrEqualTo(0.94);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(SyntheticTraffic.class)
    void dailyEstimatesAreWithinAPointOfTheTruthOnAverageAndCovered(SyntheticTraffic traffic) {
        Outcome daily = simulate(traffic, RANDOM_RATE, 24, 11);

        System.out.println(daily.row(traffic.description + ", daily, 2 %"));
        assertThat(daily.meanAbsoluteError()).isLessThanOrEqualTo(0.01);
        assertThat(daily.coverage()).isGreaterThanOrEqualTo(0.9); // only 20 days in CI
    }

    /** What the estimators did over many windows. */
    record Outcome(
            int windows,
            double meanAbsoluteError,
            double worst,
            double coverage,
            double bias,
            double biasStandardError,
            double meanWidth,
            double hajekMeanAbsoluteError,
            double hajekCoverage,
            double rawMeanAbsoluteError,
            double meanTruth,
            int insufficient,
            double floorMeanAbsoluteError) {

        String row(String name) {
            return String.format(
                    Locale.ROOT,
                    "| %s | %d | %.3f | %.1f pp | %.1f pp | %.1f pp | %.1f %% | %+.2f pp | %.1f pp | %.1f pp | %.1f %% | %.1f pp |",
                    name,
                    windows,
                    meanTruth,
                    100 * meanAbsoluteError,
                    100 * floorMeanAbsoluteError,
                    100 * worst,
                    100 * coverage,
                    100 * bias,
                    100 * meanWidth,
                    100 * hajekMeanAbsoluteError,
                    100 * hajekCoverage,
                    100 * rawMeanAbsoluteError);
        }
    }

    /** Hours of traffic, estimated in windows of {@code hoursPerWindow} hours. */
    static Outcome simulate(SyntheticTraffic traffic, double randomRate, int hoursPerWindow, long seed) {
        Random random = new Random(seed);
        int windows = Math.max(1, HOURS / hoursPerWindow);
        List<Double> errors = new ArrayList<>();
        double absolute = 0;
        double worst = 0;
        double width = 0;
        double hajekAbsolute = 0;
        double rawAbsolute = 0;
        double truthSum = 0;
        int covered = 0;
        int hajekCovered = 0;
        int insufficient = 0;
        double floorVariance = 0;
        for (int w = 0; w < windows; w++) {
            SimulatedWindow window = new SimulatedWindow(traffic, randomRate);
            for (int i = 0; i < PER_HOUR * hoursPerWindow; i++) {
                window.add(traffic.draw(random), random.nextDouble() < randomRate, true);
            }
            double truth = window.truth();
            Estimate e = StratifiedDifferenceEstimate.of(window.strata()).overall();
            if (Boolean.TRUE.equals(e.insufficient())) {
                insufficient++;
                continue;
            }
            double error = e.accuracy() - truth;
            errors.add(error);
            absolute += Math.abs(error);
            worst = Math.max(worst, Math.abs(error));
            width += e.upper() - e.lower();
            covered += e.lower() <= truth && truth <= e.upper() ? 1 : 0;
            Estimate hajek = HajekEstimate.of(window.sumW, window.sumWY, window.sumW2, window.sumW2Y);
            hajekAbsolute += Math.abs(hajek.accuracy() - truth);
            hajekCovered += hajek.lower() <= truth && truth <= hajek.upper() ? 1 : 0;
            rawAbsolute += Math.abs((double) window.labelledRight / window.labelled - truth);
            truthSum += truth;
            // an estimator that knew P(right | c) exactly still has the labels' own noise in the sampled stratum
            floorVariance += (1 - randomRate)
                    / randomRate
                    * window.otherBinomialVariance
                    / ((double) window.predictions() * window.predictions());
        }
        int n = errors.size();
        double bias = errors.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        double variance =
                errors.stream().mapToDouble(x -> (x - bias) * (x - bias)).sum() / Math.max(1, n - 1);
        return new Outcome(
                n,
                absolute / n,
                worst,
                (double) covered / n,
                bias,
                Math.sqrt(variance / n),
                width / n,
                hajekAbsolute / n,
                (double) hajekCovered / n,
                rawAbsolute / n,
                truthSum / n,
                insufficient,
                Math.sqrt(2 / Math.PI) * Math.sqrt(floorVariance / n));
    }
}
