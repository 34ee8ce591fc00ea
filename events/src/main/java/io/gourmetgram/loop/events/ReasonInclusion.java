package io.gourmetgram.loop.events;

/**
 * One reason an upload was selected, and the probability that an upload like it is selected for
 * that reason (1.0 for rules that always fire, the sample rate for the random sample, lower when
 * budget skips apply). Accuracy estimates weight labels by the inverse of these.
 */
public record ReasonInclusion(ReviewReason reason, double inclusionProbability) {}
