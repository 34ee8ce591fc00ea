package io.gourmetgram.loop.accuracy.topology;

import io.gourmetgram.loop.events.AccuracyWindow;
import io.gourmetgram.loop.events.RetrainSignal;
import java.time.Instant;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Watches a model's tumbling windows (all in one task: the stream is keyed by model) and signals
 * retraining once per crossing: when a window's upper bound (the production estimate's, or the
 * weighted one's while the production estimate is insufficient) drops below the threshold,
 * and each time {@code retrainEvery} new human labels have accumulated since the last such signal.
 */
final class RetrainSignalDetector implements Processor<String, AccuracyWindow, String, RetrainSignal> {

    static final String WINDOW_STATE = "retrain-window-state";
    static final String MODEL_STATE = "retrain-model-state";

    private final AccuracySettings settings;
    private ProcessorContext<String, RetrainSignal> context;
    private KeyValueStore<String, WindowState> windows;
    private KeyValueStore<String, Long> labelsSinceSignal;

    /** What we last saw of a window: its labelled count, and whether it is below the threshold. */
    public record WindowState(long labelled, boolean below) {}

    /** The production estimate's upper bound; the weighted (Hájek) one while the production estimate is insufficient. */
    static Double upperBound(AccuracyWindow w) {
        AccuracyWindow.Estimate production = w.production();
        return production != null && Boolean.FALSE.equals(production.insufficient())
                ? production.upper()
                : w.weighted().upper();
    }

    RetrainSignalDetector(AccuracySettings settings) {
        this.settings = settings;
    }

    @Override
    public void init(ProcessorContext<String, RetrainSignal> context) {
        this.context = context;
        this.windows = context.getStateStore(WINDOW_STATE);
        this.labelsSinceSignal = context.getStateStore(MODEL_STATE);
    }

    @Override
    public void process(Record<String, AccuracyWindow> record) {
        AccuracyWindow w = record.value();
        String model = record.key();
        String windowKey = w.windowStart() + "|" + model;
        WindowState before = windows.get(windowKey);
        Double upper = upperBound(w);
        boolean below = upper != null && upper < settings.retrainBelow();
        windows.put(windowKey, new WindowState(w.labelled(), below));
        Instant at = Instant.ofEpochMilli(record.timestamp());
        if (below && (before == null || !before.below())) {
            context.forward(record.withValue(new RetrainSignal(
                    RetrainSignal.SCHEMA_VERSION,
                    w.model(),
                    RetrainSignal.Reason.ACCURACY_BELOW_THRESHOLD,
                    w.windowStart(),
                    upper,
                    settings.retrainBelow(),
                    null,
                    at)));
        }
        long added = w.labelled() - (before == null ? 0 : before.labelled());
        Long known = labelsSinceSignal.get(model);
        long since = (known == null ? 0 : known) + added;
        if (since >= settings.retrainEvery()) {
            context.forward(record.withValue(new RetrainSignal(
                    RetrainSignal.SCHEMA_VERSION,
                    w.model(),
                    RetrainSignal.Reason.LABELS_ACCUMULATED,
                    null,
                    null,
                    null,
                    since,
                    at)));
            since = 0;
        }
        labelsSinceSignal.put(model, since);
    }
}
