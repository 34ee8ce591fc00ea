package io.gourmetgram.loop.accuracy.topology;

import io.gourmetgram.loop.events.AccuracyWindow;
import io.gourmetgram.loop.events.ModelRef;
import io.gourmetgram.loop.events.WindowType;
import java.time.Instant;

/**
 * Add (+1) or retract (−1) something to one bucket of prediction time ({@code windowType} null,
 * {@link WindowLayout}) or, for a record too late for some of the bucket's windows, to one window;
 * keyed by {@link #key()}. Either an upload's
 * {@code contribution} (stratum membership and label) or a {@code prediction} the model made.
 */
public record WindowDelta(
        WindowType windowType,
        Instant windowStart,
        Instant windowEnd,
        int sign,
        Contribution contribution,
        PredictionSeen prediction) {

    /**
     * A prediction the model made: counted in its window whether or not anyone labels it.
     *
     * @param label the predicted label (null in deltas written before it was carried)
     */
    public record PredictionSeen(ModelRef model, double confidence, String label) {}

    public ModelRef model() {
        return contribution != null ? contribution.model() : prediction.model();
    }

    public String key() {
        return windowType == null
                ? bucketKey(windowStart, model())
                : AccuracyWindow.key(windowType, windowStart, model());
    }

    static String bucketKey(Instant start, ModelRef model) {
        return "bucket|" + start + "|" + model.qualifiedName();
    }
}
