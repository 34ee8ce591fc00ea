package io.gourmetgram.loop.inference.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.gourmetgram.loop.events.ModelRef;
import io.gourmetgram.loop.events.ObjectRef;
import io.gourmetgram.loop.events.ReasonInclusion;
import io.gourmetgram.loop.events.ReviewReason;
import io.gourmetgram.loop.events.SuiteManifestEntry;
import io.gourmetgram.loop.inference.evaluation.ModelComparison.Outcome;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelComparisonTest {

    private static final ModelRef CANDIDATE = new ModelRef("food11-next", "2");

    @Test
    void mcnemarIsExactForFewDisagreementsAndChiSquareForMany() {
        assertThat(McNemarTest.of(0, 10).pValue()).isCloseTo(2 * Math.pow(0.5, 10), within(1e-12));
        assertThat(McNemarTest.of(3, 3).pValue()).isEqualTo(1.0);
        assertThat(McNemarTest.of(0, 0).pValue()).isEqualTo(1.0);
        // b=2, c=8: 2·P(X ≤ 2), X ~ Bin(10, ½) = 2·56/1024
        assertThat(McNemarTest.of(2, 8).pValue()).isCloseTo(112.0 / 1024, within(1e-12));
        McNemarTest large = McNemarTest.of(20, 45);
        assertThat(large.method()).startsWith("chi-square");
        assertThat(large.statistic()).isCloseTo(576.0 / 65, within(1e-12));
        assertThat(large.pValue()).isCloseTo(0.002912, within(2e-6)); // P(χ²₁ > 8.8615)
    }

    @Test
    void theVerdictNamesADirectionOnlyWhenTheTestRejectsEquality() {
        assertThat(ModelComparison.paired(0, 10, 40, 0.05).verdict()).isEqualTo(EvaluationReport.BETTER);
        assertThat(ModelComparison.paired(10, 0, 40, 0.05).verdict()).isEqualTo(EvaluationReport.WORSE);
        assertThat(ModelComparison.paired(2, 5, 40, 0.05).verdict()).isEqualTo(EvaluationReport.NO_EVIDENCE);
        EvaluationReport.Paired better = ModelComparison.paired(0, 10, 40, 0.05);
        assertThat(better.difference()).isEqualTo(0.25);
        assertThat(better.lower()).isLessThan(0.25).isPositive();
        assertThat(better.upper()).isGreaterThan(0.25);
    }

    @Test
    void accuracyIsReportedOverallPerClassPerReasonWithTheConfusionMatrix() {
        List<Outcome> outcomes = List.of(
                outcome("a", "Soup", "Soup", "Soup", reason(ReviewReason.LOW_CONFIDENCE, 1.0)),
                outcome(
                        "b",
                        "Soup",
                        "Rice",
                        "Soup",
                        reason(ReviewReason.LOW_CONFIDENCE, 1.0),
                        reason(ReviewReason.RANDOM, 0.1)),
                outcome("c", "Rice", "Rice", "Egg", reason(ReviewReason.FLAGGED, 1.0)));

        EvaluationReport r = ModelComparison.compare("s", "all", CANDIDATE, outcomes, List.of(), 0.05);

        assertThat(r.overall()).isEqualTo(new EvaluationReport.Score(3, 2, 2, 2 / 3.0, 2 / 3.0));
        assertThat(r.perClass().get("Soup")).isEqualTo(new EvaluationReport.Score(2, 2, 1, 1.0, 0.5));
        assertThat(r.perReason().get("low_confidence")).isEqualTo(new EvaluationReport.Score(2, 2, 1, 1.0, 0.5));
        assertThat(r.perReason().get("flagged")).isEqualTo(new EvaluationReport.Score(1, 0, 1, 0.0, 1.0));
        assertThat(r.confusion()).isEqualTo(Map.of("Soup", Map.of("Soup", 2L), "Rice", Map.of("Egg", 1L)));
        assertThat(r.paired().mcnemar().candidateOnlyRight()).isEqualTo(1);
        assertThat(r.paired().mcnemar().productionOnlyRight()).isEqualTo(1);
        assertThat(r.productionModels()).isEqualTo(Map.of("food11-demo:1", 3L));
    }

    @Test
    void theRandomSampleIsWeightedByTheInverseOfItsInclusionProbability() {
        List<Outcome> outcomes = new ArrayList<>();
        // an hour sampled at 10 %: 1 photo, candidate right, production wrong (weight 10)
        outcomes.add(outcome("x", "Soup", "Rice", "Soup", reason(ReviewReason.RANDOM, 0.1)));
        // an hour sampled at 50 %: 2 photos, candidate wrong, production right (weight 2 each)
        outcomes.add(outcome("y", "Egg", "Egg", "Rice", reason(ReviewReason.RANDOM, 0.5)));
        outcomes.add(outcome("z", "Egg", "Egg", "Rice", reason(ReviewReason.RANDOM, 0.5)));
        outcomes.add(outcome(
                "w", "Egg", "Egg", "Egg", reason(ReviewReason.LOW_CONFIDENCE, 1.0))); // not in the random sample

        EvaluationReport.Weighted w = ModelComparison.randomWeighted(outcomes);

        assertThat(w.photos()).isEqualTo(3);
        assertThat(w.candidateAccuracy()).isCloseTo(10 / 14.0, within(1e-12));
        assertThat(w.productionAccuracy()).isCloseTo(4 / 14.0, within(1e-12));
        assertThat(w.effectiveSampleSize()).isCloseTo(14.0 * 14 / 108, within(1e-12));
        assertThat(ModelComparison.randomWeighted(outcomes.subList(3, 4))).isNull();
    }

    @Test
    void theTableShowsTheFiguresAndTheVerdict() {
        List<Outcome> outcomes = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            outcomes.add(outcome("u" + i, "Soup", "Rice", "Soup", reason(ReviewReason.RANDOM, 0.05)));
        }

        String table = ReportTable.render(ModelComparison.compare(
                "20261130T120000Z-random", "random", CANDIDATE, outcomes, List.of("u99: gone"), 0.05));

        assertThat(table)
                .contains(
                        "Candidate food11-next:2 vs production food11-demo:1",
                        "overall",
                        "100.0 %",
                        "0.0 %",
                        "random, weighted",
                        "+100.0 points",
                        "McNemar (exact)",
                        "CANDIDATE BETTER",
                        "skipped: u99: gone");
    }

    private static ReasonInclusion reason(ReviewReason reason, double p) {
        return new ReasonInclusion(reason, p);
    }

    private static Outcome outcome(
            String id, String human, String production, String candidate, ReasonInclusion... reasons) {
        double overall = List.of(reasons).stream()
                .mapToDouble(ReasonInclusion::inclusionProbability)
                .max()
                .orElse(1);
        SuiteManifestEntry entry = new SuiteManifestEntry(
                id,
                new ObjectRef("production", "test-suites/s/images/" + id + ".jpg"),
                new ObjectRef("production", id + ".jpg"),
                human,
                production,
                0.7,
                new ModelRef("food11-demo", "1"),
                Instant.parse("2026-11-30T10:00:00Z"),
                List.of(reasons),
                overall,
                "7",
                Instant.parse("2026-11-30T11:00:00Z"));
        return new Outcome(entry, candidate);
    }
}
