package io.gourmetgram.loop.accuracy.estimate;

/**
 * What is known of one sampling stratum in one window: every prediction's confidence (from the
 * {@code predictions} stream), and the labelled ones. Plain sums, so that a prediction or a label
 * can be added and later retracted exactly.
 *
 * @param predictions         predictions in the stratum, N
 * @param confidenceSum       Σ c over all N predictions (c = top-1 confidence)
 * @param labelled            labelled predictions, n
 * @param correct             Σ y over the labelled (y = 1 when the model was right)
 * @param labelledConfidence  Σ c over the labelled
 * @param labelledConfidence2 Σ c² over the labelled
 * @param correctConfidence   Σ y·c over the labelled
 */
public record StratumSample(
        long predictions,
        double confidenceSum,
        long labelled,
        long correct,
        double labelledConfidence,
        double labelledConfidence2,
        double correctConfidence) {

    public static final StratumSample EMPTY = new StratumSample(0, 0, 0, 0, 0, 0, 0);

    /** {@code sign} predictions of confidence c, none labelled (sign −1 retracts). */
    public StratumSample withPredictions(int sign, double c) {
        return new StratumSample(
                predictions + sign,
                confidenceSum + sign * c,
                labelled,
                correct,
                labelledConfidence,
                labelledConfidence2,
                correctConfidence);
    }

    /** {@code sign} labels of a prediction of confidence c (sign −1 retracts). */
    public StratumSample withLabel(int sign, double c, boolean right) {
        int y = right ? 1 : 0;
        return new StratumSample(
                predictions,
                confidenceSum,
                labelled + sign,
                correct + (long) sign * y,
                labelledConfidence + sign * c,
                labelledConfidence2 + sign * c * c,
                correctConfidence + sign * y * c);
    }

    /**
     * The same labels in a stratum of the given size: for the stratum no rule picks out, whose size
     * is all predictions less those of the strata that were requested.
     */
    public StratumSample withPopulation(long predictions, double confidenceSum) {
        return new StratumSample(
                predictions,
                confidenceSum,
                labelled,
                correct,
                labelledConfidence,
                labelledConfidence2,
                correctConfidence);
    }

    /** Both samples' sums: two bands, or two hours, of one stratum. */
    public StratumSample plus(StratumSample o) {
        return new StratumSample(
                predictions + o.predictions,
                confidenceSum + o.confidenceSum,
                labelled + o.labelled,
                correct + o.correct,
                labelledConfidence + o.labelledConfidence,
                labelledConfidence2 + o.labelledConfidence2,
                correctConfidence + o.correctConfidence);
    }

    /** Σ (y − c) over the labelled: how far the humans found the model from its own confidence. */
    double residualSum() {
        return correct - labelledConfidence;
    }

    /** Σ (y − c)² over the labelled (y² = y). */
    double residualSquareSum() {
        return correct - 2 * correctConfidence + labelledConfidence2;
    }
}
