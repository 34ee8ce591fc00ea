package io.gourmetgram.loop.accuracy.estimate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.gourmetgram.loop.events.AccuracyWindow.Estimate;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StratifiedDifferenceEstimateTest {

    @Test
    void aFullyLabelledWindowIsKnownExactly() {
        StratumSample all =
                labels(StratumSample.EMPTY.withPopulation(4, 2.6), new double[] {0.5, 0.6, 0.7, 0.8}, new boolean[] {
                    true, false, true, true
                });

        Estimate e =
                StratifiedDifferenceEstimate.of(Map.of("low_confidence", all)).overall();

        assertThat(e.accuracy()).isCloseTo(0.75, within(1e-12));
        assertThat(e.lower()).isCloseTo(0.75, within(1e-12));
        assertThat(e.upper()).isCloseTo(0.75, within(1e-12));
        assertThat(e.insufficient()).isFalse();
    }

    @Test
    void theLabelledSampleCorrectsTheMeanConfidenceOfAllPredictions() {
        // 100 predictions of mean confidence 0.9; 4 labelled: the model was 0.875 less right than confident... on
        // average
        StratumSample other =
                labels(StratumSample.EMPTY.withPopulation(100, 90), new double[] {0.9, 0.8, 0.95, 0.85}, new boolean[] {
                    true, true, true, false
                });

        Estimate e = StratifiedDifferenceEstimate.of(Map.of("other", other)).overall();

        assertThat(e.accuracy()).isCloseTo((3 - 3.5) / 4 + 0.9, within(1e-12));
        assertThat(e.lower()).isLessThan(e.accuracy());
        assertThat(e.upper()).isGreaterThan(e.accuracy());
        assertThat(e.sampleSize()).isEqualTo(4);
    }

    @Test
    void tenLabelsAllRightDoNotMakeAConfidentInterval() {
        double[] confidences = new double[10];
        boolean[] right = new boolean[10];
        java.util.Arrays.fill(confidences, 0.9);
        java.util.Arrays.fill(right, true);
        StratumSample other = labels(StratumSample.EMPTY.withPopulation(1000, 900), confidences, right);

        Estimate e = StratifiedDifferenceEstimate.of(Map.of("other", other)).overall();

        assertThat(e.accuracy()).isCloseTo(1.0, within(1e-12));
        assertThat(e.upper()).isEqualTo(1.0);
        assertThat(e.lower()).isLessThan(0.72); // Wilson's bound for 10 of 10, widened for an estimated variance
    }

    @Test
    void strataAddByTheirKnownSharesAndOnlyTheSampledOneIsUncertain() {
        StratumSample exact = labels(
                StratumSample.EMPTY.withPopulation(2, 1.0), new double[] {0.5, 0.5}, new boolean[] {false, false});
        StratumSample sampled =
                labels(StratumSample.EMPTY.withPopulation(8, 7.2), new double[] {0.9, 0.9, 0.9}, new boolean[] {
                    true, true, false
                });
        Map<String, StratumSample> strata = new LinkedHashMap<>();
        strata.put("low_confidence", exact);
        strata.put("other", sampled);

        StratifiedDifferenceEstimate.Result r = StratifiedDifferenceEstimate.of(strata);

        Estimate other = r.strata().get("other");
        assertThat(r.overall().accuracy()).isCloseTo(0.8 * other.accuracy(), within(1e-12));
        assertThat(r.overall().lower()).isCloseTo(0.8 * other.lower(), within(1e-12));
        assertThat(r.overall().upper()).isCloseTo(0.8 * other.upper(), within(1e-12));
        assertThat(r.strata().get("low_confidence").upper()).isZero();
    }

    @Test
    void aStratumWithPredictionsButNoLabelsYetMakesTheWindowInsufficient() {
        Map<String, StratumSample> strata = new LinkedHashMap<>();
        strata.put("feedback", StratumSample.EMPTY.withPopulation(3, 2.1));
        strata.put("other", labels(StratumSample.EMPTY.withPopulation(50, 45), new double[] {0.9, 0.9}, new boolean[] {
            true, true
        }));

        Estimate e = StratifiedDifferenceEstimate.of(strata).overall();

        assertThat(e.insufficient()).isTrue();
        assertThat(e.accuracy()).isNull();
        assertThat(e.sampleSize()).isEqualTo(2);
    }

    @Test
    void studentsQuantileMatchesTheTable() {
        assertThat(StudentT.quantile975(1)).isCloseTo(12.706, within(1e-3));
        assertThat(StudentT.quantile975(3)).isCloseTo(3.182, within(5e-3));
        assertThat(StudentT.quantile975(10)).isCloseTo(2.228, within(1e-3));
        assertThat(StudentT.quantile975(30)).isCloseTo(2.042, within(1e-3));
        assertThat(StudentT.quantile975(1000)).isCloseTo(1.962, within(1e-3));
    }

    private static StratumSample labels(StratumSample stratum, double[] confidences, boolean[] right) {
        StratumSample s = stratum;
        for (int i = 0; i < confidences.length; i++) {
            s = s.withLabel(1, confidences[i], right[i]);
        }
        return s;
    }
}
