package io.gourmetgram.loop.sampling.topology;

import io.gourmetgram.loop.sampling.budget.AnnotatorBudget;
import io.gourmetgram.loop.sampling.rules.LowConfidenceRule;
import io.gourmetgram.loop.sampling.rules.RandomSampleRule;
import java.time.Duration;

/**
 * What the sampling topology needs to decide: its rules, the annotator budget, and how long
 * feedback may wait for its prediction before it is counted as expired.
 */
public record SamplingSettings(RandomSampleRule randomSample, LowConfidenceRule lowConfidence, AnnotatorBudget budget,
                               Duration earlyFeedbackRetention, Duration expiryScanInterval) {
}
