package io.gourmetgram.loop.accuracy.estimate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.gourmetgram.loop.events.AccuracyWindow.Estimate;
import org.junit.jupiter.api.Test;

class EstimatesTest {

    @Test
    void wilsonIntervalMatchesTheTextbookValue() {
        Estimate e = WilsonInterval.of(8, 10); // Wilson 95 %: [0.4902, 0.9433]

        assertThat(e.accuracy()).isEqualTo(0.8);
        assertThat(e.lower()).isCloseTo(0.4902, within(1e-4));
        assertThat(e.upper()).isCloseTo(0.9433, within(1e-4));
    }

    @Test
    void wilsonStaysInsideZeroAndOneWhenEveryLabelAgrees() {
        Estimate e = WilsonInterval.of(5, 5);

        assertThat(e.upper()).isEqualTo(1.0);
        assertThat(e.lower()).isCloseTo(0.5655, within(1e-4));
    }

    @Test
    void withoutLabelsThereIsNoEstimate() {
        assertThat(WilsonInterval.of(0, 0).accuracy()).isNull();
        assertThat(HajekEstimate.of(0, 0, 0, 0).accuracy()).isNull();
    }

    @Test
    void hajekWithEqualWeightsIsThePlainShareWithKishSampleSizeN() {
        // 100 labels, 80 right, all weight 2.
        Estimate e = HajekEstimate.of(200, 160, 400, 320);

        assertThat(e.accuracy()).isCloseTo(0.8, within(1e-12));
        assertThat(e.sampleSize()).isCloseTo(100, within(1e-9));
        assertThat(e.upper() - e.lower()).isCloseTo(2 * 1.96 * Math.sqrt(0.8 * 0.2 / 100), within(1e-3));
    }

    @Test
    void hajekGivesRarelySampledLabelsTheirDueWeight() {
        // 10 certain labels (w=1), all wrong; 10 sampled at 5 % (w=20), all right.
        Estimate e = HajekEstimate.of(10 + 200, 200, 10 + 4000, 4000);

        assertThat(e.accuracy()).isCloseTo(200.0 / 210, within(1e-12));
    }
}
