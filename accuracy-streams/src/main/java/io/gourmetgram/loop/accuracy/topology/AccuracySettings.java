package io.gourmetgram.loop.accuracy.topology;

import java.time.Duration;

/**
 * Window geometry of the accuracy topology.
 *
 * @param tumbling     size of tumbling windows (default 1 h)
 * @param rollingSize  size of rolling windows (default 24 h)
 * @param rollingStep  how far rolling windows advance (default 1 h); rollingSize must be a multiple
 * @param grace        how long after a window ends labels are still counted in it
 * @param persistent   RocksDB state (production) or in-memory (tests)
 * @param retrainBelow a retrain signal when a tumbling window's weighted upper bound falls below this
 * @param retrainEvery a retrain signal each time this many new human labels have accumulated for a model
 * @param minLabels    per-reason and per-class figures with fewer labels are published as insufficient
 */
public record AccuracySettings(
        Duration tumbling,
        Duration rollingSize,
        Duration rollingStep,
        Duration grace,
        boolean persistent,
        double retrainBelow,
        long retrainEvery,
        long minLabels) {

    public static final long DEFAULT_MIN_LABELS = 20;

    public AccuracySettings(
            Duration tumbling,
            Duration rollingSize,
            Duration rollingStep,
            Duration grace,
            boolean persistent,
            double retrainBelow,
            long retrainEvery) {
        this(tumbling, rollingSize, rollingStep, grace, persistent, retrainBelow, retrainEvery, DEFAULT_MIN_LABELS);
    }

    public AccuracySettings {
        if (rollingSize.toMillis() % rollingStep.toMillis() != 0) {
            throw new IllegalArgumentException(
                    "rolling window size " + rollingSize + " must be a multiple of its step " + rollingStep);
        }
    }
}
