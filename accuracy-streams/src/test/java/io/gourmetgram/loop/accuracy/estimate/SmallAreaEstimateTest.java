package io.gourmetgram.loop.accuracy.estimate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.gourmetgram.loop.events.AccuracyWindow.Estimate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SmallAreaEstimateTest {

    /** 24 hours like the one estimated: 1,900 predictions at 0.9, 38 random labels, 33–35 right (~0.89). */
    static List<BandedStratum> dayOf(double confidence, int... rightPerHour) {
        List<BandedStratum> hours = new ArrayList<>();
        for (int h = 0; h < 24; h++) {
            hours.add(hour(confidence, 38, rightPerHour[h % rightPerHour.length]));
        }
        return hours;
    }

    /** One band (0.90-0.95) with all the hour's predictions, one empty band beside it. */
    static BandedStratum hour(double confidence, int labelled, int right) {
        StratumSample band = StratumSample.EMPTY.withPopulation(1_900, 1_900 * confidence);
        for (int i = 0; i < labelled; i++) {
            band = band.withLabel(1, confidence, i < right);
        }
        return new BandedStratum(List.of(StratumSample.EMPTY, band));
    }

    static Map<String, StratumSample> strata(BandedStratum other) {
        Map<String, StratumSample> strata = new LinkedHashMap<>();
        // 100 flagged predictions, all labelled, 20 right: known exactly
        StratumSample feedback = StratumSample.EMPTY.withPopulation(100, 80);
        for (int i = 0; i < 100; i++) {
            feedback = feedback.withLabel(1, 0.8, i < 20);
        }
        strata.put("feedback", feedback);
        strata.put("other", other.total());
        return strata;
    }

    @Test
    void withoutTrailingLabelsTheHoursOwnDesignBasedEstimateStands() {
        BandedStratum now = hour(0.9, 38, 34);

        SmallAreaEstimate.Result r = SmallAreaEstimate.of(strata(now), "other", now, List.of());

        assertThat(r.borrowed()).isFalse();
        assertThat(r.ownLabelWeight()).isEqualTo(1);
        assertThat(r.overall()).isEqualTo(r.designBased().overall());
    }

    @Test
    void anHourLikeItsPredecessorsIsEstimatedFromAllItsPredictionsWithAMuchNarrowerInterval() {
        BandedStratum now = hour(0.9, 38, 34);

        SmallAreaEstimate.Result r = SmallAreaEstimate.of(strata(now), "other", now, dayOf(0.9, 33, 35, 34));

        Estimate design = r.designBased().overall();
        Estimate e = r.overall();
        double predicted = (20 + 1_900 * (34.0 / 38)) / 2_000; // the trailing day's accuracy at 0.9, applied to all
        assertThat(r.borrowed()).isTrue();
        assertThat(r.ownLabelWeight()).isLessThan(0.3);
        assertThat(e.accuracy()).isCloseTo(predicted, within(0.005));
        assertThat(e.lower()).isLessThan(e.accuracy());
        assertThat(e.upper()).isGreaterThan(e.accuracy());
        assertThat(e.upper() - e.lower()).isLessThan(0.7 * (design.upper() - design.lower()));
        assertThat(e.sampleSize()).isEqualTo(138); // the hour's labels
    }

    @Test
    void anHourWhoseLabelsDisagreeWithItsPredecessorsLeansOnThemAndItsIntervalStretchesToThem() {
        BandedStratum usual = hour(0.9, 38, 34);
        BandedStratum bad = hour(0.9, 38, 24); // 63 % right where the day before was 89 %
        List<BandedStratum> day = dayOf(0.9, 33, 35, 34);

        SmallAreaEstimate.Result calm = SmallAreaEstimate.of(strata(usual), "other", usual, day);
        SmallAreaEstimate.Result r = SmallAreaEstimate.of(strata(bad), "other", bad, day);

        Estimate own = r.designBased().overall();
        assertThat(r.ownLabelWeight()).isGreaterThan(0.5);
        assertThat(r.overall().accuracy()).isLessThan(calm.overall().accuracy() - 0.1);
        assertThat(r.overall().lower()).isLessThanOrEqualTo(own.accuracy());
        assertThat(r.overall().upper() - r.overall().lower())
                .isGreaterThan(1.5 * (calm.overall().upper() - calm.overall().lower()));
    }

    @Test
    void anOverConfidentModelIsCorrectedByWhatTheTrailingLabelsFoundNotTakenAtItsWord() {
        BandedStratum now = hour(0.95, 38, 27); // 95 % confident, ~70 % right, as every hour before

        SmallAreaEstimate.Result r = SmallAreaEstimate.of(strata(now), "other", now, dayOf(0.95, 26, 27, 28));

        assertThat(r.borrowed()).isTrue();
        assertThat(r.overall().accuracy()).isCloseTo((20 + 1_900 * (27.0 / 38)) / 2_000, within(0.01));
        assertThat(r.overall().upper()).isLessThan(0.85);
    }

    @Test
    void aDayOfLabelsThatWereAllRightStillLeavesRoomForAWrongOne() {
        BandedStratum now = hour(0.95, 38, 38);

        SmallAreaEstimate.Result r = SmallAreaEstimate.of(strata(now), "other", now, dayOf(0.95, 38));

        assertThat(r.borrowed()).isTrue();
        double allRight = (20 + 1_900) / 2_000.0;
        assertThat(r.overall().accuracy()).isCloseTo(allRight, within(0.005));
        // Wilson's bound for 950 right of 950 is 0.4 points below; without the pseudo-labels this would be 0.2
        assertThat(r.overall().lower()).isLessThan(allRight - 0.003);
    }

    @Test
    void aWindowWithAStratumAwaitingItsLabelsStaysInsufficient() {
        BandedStratum now = hour(0.9, 38, 34);
        Map<String, StratumSample> strata = strata(now);
        strata.put("low_confidence", StratumSample.EMPTY.withPopulation(5, 3));

        SmallAreaEstimate.Result r = SmallAreaEstimate.of(strata, "other", now, dayOf(0.9, 34));

        assertThat(r.overall().insufficient()).isTrue();
        assertThat(r.borrowed()).isFalse();
    }

    @Test
    void theStandardNormalDistributionMatchesTheTable() {
        assertThat(NormalDistribution.cdf(0)).isCloseTo(0.5, within(1e-7));
        assertThat(NormalDistribution.cdf(1.959964)).isCloseTo(0.975, within(1e-6));
        assertThat(NormalDistribution.cdf(-1)).isCloseTo(0.158655, within(1e-6));
        assertThat(NormalDistribution.cdf(-3)).isCloseTo(0.001350, within(1e-6));
    }
}
