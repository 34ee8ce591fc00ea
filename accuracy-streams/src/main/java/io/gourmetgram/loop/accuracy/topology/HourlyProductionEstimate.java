package io.gourmetgram.loop.accuracy.topology;

import io.gourmetgram.loop.accuracy.estimate.BandedStratum;
import io.gourmetgram.loop.events.AccuracyWindow;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Publishes a model's tumbling windows with the small-area production estimate: each window's
 * sampled stratum, band by band, is kept per model (store {@value #TRAILING}; the stream is keyed by
 * model, so all of a model's windows are in this task), and a window is estimated with the
 * {@value #TRAILING_WINDOWS} windows before it. A window is re-estimated whenever it changes; a late
 * label in an earlier hour reaches the later hours' figures at their next change.
 */
final class HourlyProductionEstimate implements Processor<String, WindowTotals, String, AccuracyWindow> {

    static final String TRAILING = "accuracy-trailing-hours";

    /** 24 hours with the default 1 h tumbling windows: about 900 random labels at a 2 % rate and 2,000 predictions an hour. */
    static final int TRAILING_WINDOWS = 24;

    private final AccuracySettings settings;
    private final Clock clock;
    private ProcessorContext<String, AccuracyWindow> context;
    private KeyValueStore<String, BandedStratum> hours;

    HourlyProductionEstimate(AccuracySettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    @Override
    public void init(ProcessorContext<String, AccuracyWindow> context) {
        this.context = context;
        this.hours = context.getStateStore(TRAILING);
    }

    @Override
    public void process(Record<String, WindowTotals> record) {
        WindowTotals totals = record.value();
        String model = record.key();
        Instant start = totals.windowStart();
        Duration size = settings.tumbling();
        hours.put(key(model, start), totals.sampledStratumByBand());
        List<BandedStratum> trailing = new ArrayList<>(TRAILING_WINDOWS);
        for (int i = 1; i <= TRAILING_WINDOWS; i++) {
            BandedStratum before = hours.get(key(model, start.minus(size.multipliedBy(i))));
            if (before != null) {
                trailing.add(before);
            }
        }
        // no window still open to labels (grace) looks back further than this
        hours.delete(
                key(model, start.minus(size.multipliedBy(TRAILING_WINDOWS + 1)).minus(settings.grace())));
        context.forward(record.withValue(totals.toAccuracyWindow(clock.instant(), settings.minLabels(), trailing)));
    }

    private static String key(String model, Instant windowStart) {
        return model + "|" + windowStart;
    }
}
