package io.gourmetgram.loop.inference.evaluation;

import io.gourmetgram.loop.events.ModelRef;
import java.util.List;
import java.util.Map;

/**
 * A candidate model against production on one test suite: the same photos, the same human labels.
 *
 * @param suiteReason     the suite's selection reason ({@code random}, {@code low_confidence}, ...)
 * @param skipped         photos that could not be read or decoded (left out of every figure), with why
 * @param perClass        by human label
 * @param perReason       by review reason (a photo reviewed for several reasons counts in each)
 * @param confusion       human label → candidate's label → count
 * @param randomWeighted  inverse-probability-weighted accuracy over the random-sample photos, which speaks
 *                        for production traffic; null when the suite has none
 */
public record EvaluationReport(
        String suite,
        String suiteReason,
        ModelRef candidate,
        Map<String, Long> productionModels,
        long evaluated,
        List<String> skipped,
        Score overall,
        Map<String, Score> perClass,
        Map<String, Score> perReason,
        Map<String, Map<String, Long>> confusion,
        Paired paired,
        Weighted randomWeighted) {

    public static final String BETTER = "candidate better";
    public static final String NO_EVIDENCE = "no evidence of a difference";
    public static final String WORSE = "candidate worse";

    /** Top-1 of both models on the same photos. */
    public record Score(
            long photos,
            long candidateCorrect,
            long productionCorrect,
            Double candidateAccuracy,
            Double productionAccuracy) {}

    /**
     * The paired difference (candidate − production accuracy) with a 95 % interval, McNemar's test and
     * the verdict at significance level {@code alpha}.
     */
    public record Paired(
            double difference, double lower, double upper, McNemarTest mcnemar, double alpha, String verdict) {}

    /** Hájek estimates Σw·y / Σw with w = 1 / (probability the photo was in the random sample). */
    public record Weighted(
            long photos, double effectiveSampleSize, double candidateAccuracy, double productionAccuracy) {}
}
