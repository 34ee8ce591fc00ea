package io.gourmetgram.loop.accuracy.topology;

import io.gourmetgram.loop.accuracy.estimate.StratifiedDifferenceEstimate;
import io.gourmetgram.loop.accuracy.estimate.StratumSample;
import io.gourmetgram.loop.events.AccuracyWindow.Estimate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The predictions of a window (or of one predicted label in it) and how they split into sampling
 * strata: what the production estimate needs.
 *
 * @param predicted every prediction: count and confidence sum
 * @param requested per stratum, the uploads requested for review (as "predictions") and their labels
 */
public record StratifiedCounts(StratumSample predicted, Map<String, StratumSample> requested) {

    static final StratifiedCounts NONE = new StratifiedCounts(StratumSample.EMPTY, Map.of());

    public StratifiedCounts {
        predicted = predicted == null ? StratumSample.EMPTY : predicted;
        requested = requested == null ? Map.of() : requested;
    }

    StratifiedCounts withPrediction(int sign, double confidence) {
        return new StratifiedCounts(predicted.withPredictions(sign, confidence), requested);
    }

    /** An upload requested for review in {@code stratum}, labelled when {@code right} is not null. */
    StratifiedCounts withRequest(String stratum, int sign, double confidence, Boolean right) {
        Map<String, StratumSample> next = new TreeMap<>(requested);
        StratumSample s = next.getOrDefault(stratum, StratumSample.EMPTY).withPredictions(sign, confidence);
        next.put(stratum, right == null ? s : s.withLabel(sign, confidence, right));
        return new StratifiedCounts(predicted, next);
    }

    /** These counts plus {@code sign} times {@code other}'s. */
    StratifiedCounts plus(StratifiedCounts other, int sign) {
        return new StratifiedCounts(
                sum(predicted, other.predicted, sign),
                WindowTotals.sum(requested, other.requested, sign, StratumSample.EMPTY, StratifiedCounts::sum));
    }

    static StratumSample sum(StratumSample a, StratumSample b, int sign) {
        return new StratumSample(
                a.predictions() + sign * b.predictions(),
                a.confidenceSum() + sign * b.confidenceSum(),
                a.labelled() + sign * b.labelled(),
                a.correct() + sign * b.correct(),
                a.labelledConfidence() + sign * b.labelledConfidence(),
                a.labelledConfidence2() + sign * b.labelledConfidence2(),
                a.correctConfidence() + sign * b.correctConfidence());
    }

    /**
     * The estimator's strata: feedback and low confidence as requested (every such prediction is
     * requested, whether or not the budget let it through), and the rest — all predictions less
     * those — with the random sample's labels.
     */
    Map<String, StratumSample> samples() {
        StratumSample feedback = requested.getOrDefault(Contribution.FEEDBACK, StratumSample.EMPTY);
        StratumSample lowConfidence = requested.getOrDefault(Contribution.LOW_CONFIDENCE, StratumSample.EMPTY);
        long rest = predicted.predictions() - feedback.predictions() - lowConfidence.predictions();
        // fewer predictions seen than requested (predictions not read, e.g. before this version): no rest stratum
        StratumSample other = requested
                .getOrDefault(Contribution.OTHER, StratumSample.EMPTY)
                .withPopulation(
                        Math.max(0, rest),
                        rest <= 0
                                ? 0
                                : Math.max(
                                        0,
                                        predicted.confidenceSum()
                                                - feedback.confidenceSum()
                                                - lowConfidence.confidenceSum()));
        Map<String, StratumSample> samples = new LinkedHashMap<>();
        samples.put(Contribution.FEEDBACK, feedback);
        samples.put(Contribution.LOW_CONFIDENCE, lowConfidence);
        samples.put(Contribution.OTHER, other);
        return samples;
    }

    /** The estimate, insufficient when more uploads were requested than predictions were seen. */
    StratifiedDifferenceEstimate.Result estimate() {
        Map<String, StratumSample> samples = samples();
        StratifiedDifferenceEstimate.Result result = StratifiedDifferenceEstimate.of(samples);
        long requestedPredictions = samples.get(Contribution.FEEDBACK).predictions()
                + samples.get(Contribution.LOW_CONFIDENCE).predictions();
        if (predicted.predictions() < requestedPredictions) {
            long labels =
                    samples.values().stream().mapToLong(StratumSample::labelled).sum();
            return new StratifiedDifferenceEstimate.Result(Estimate.insufficient(labels), result.strata());
        }
        return result;
    }
}
