package io.gourmetgram.loop.sampling.topology;

import io.gourmetgram.loop.sampling.budget.AnnotatorBudget;
import io.gourmetgram.loop.sampling.rules.LowConfidenceRule;
import io.gourmetgram.loop.sampling.rules.RandomSampleRule;
import java.time.Duration;

/**
 * What the sampling topology needs to decide: its rules, the annotator budget, how long (in stream
 * time) feedback may wait for its prediction before it is counted as expired, and how many
 * revisions one upload's request may have.
 */
public record SamplingSettings(
        RandomSampleRule randomSample,
        LowConfidenceRule lowConfidence,
        AnnotatorBudget budget,
        Duration earlyFeedbackRetention,
        Duration expiryScanInterval,
        int maxRevisions) {

    public SamplingSettings {
        if (maxRevisions < 1) {
            throw new IllegalArgumentException("maxRevisions must be at least 1, was " + maxRevisions);
        }
    }
}
