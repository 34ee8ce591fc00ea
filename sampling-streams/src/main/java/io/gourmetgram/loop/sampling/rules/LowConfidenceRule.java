package io.gourmetgram.loop.sampling.rules;

import io.gourmetgram.loop.events.Prediction;

/**
 * The model was unsure: top-1 confidence below a threshold (the seed's 0.7), or, when a margin
 * threshold is set, the top-1 and top-2 probabilities closer than it.
 *
 * @param marginThreshold 0 disables the margin rule
 */
public record LowConfidenceRule(double confidenceThreshold, double marginThreshold) {

    public LowConfidenceRule {
        if (confidenceThreshold < 0 || confidenceThreshold > 1 || marginThreshold < 0 || marginThreshold > 1) {
            throw new IllegalArgumentException("confidence and margin thresholds must be in [0, 1]");
        }
    }

    public boolean selects(Prediction prediction) {
        return prediction.confidence() < confidenceThreshold
                || (marginThreshold > 0 && prediction.margin() < marginThreshold);
    }
}
