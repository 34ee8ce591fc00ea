package io.gourmetgram.loop.accuracy.topology;

import io.gourmetgram.loop.events.AccuracyWindow;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Turns a bucket's new totals (at most one per bucket and commit: the bucket table is cached) into
 * the change since the totals last passed here, sent to every window containing the bucket, keyed
 * by window. Totals kept for a single window (records too late for some of a bucket's windows, see
 * {@link ContributionTracker}) go to that window only.
 */
final class BucketChanges implements Processor<String, WindowTotals, String, WindowTotals> {

    /** The totals of each bucket as last sent on. */
    static final String SENT = "accuracy-bucket-sent";

    private final WindowLayout layout;
    private ProcessorContext<String, WindowTotals> context;
    private KeyValueStore<String, WindowTotals> sent;

    BucketChanges(AccuracySettings settings) {
        this.layout = new WindowLayout(settings);
    }

    @Override
    public void init(ProcessorContext<String, WindowTotals> context) {
        this.context = context;
        this.sent = context.getStateStore(SENT);
    }

    @Override
    public void process(Record<String, WindowTotals> record) {
        WindowTotals now = record.value();
        if (now == null) {
            return;
        }
        WindowTotals before = sent.get(record.key());
        sent.put(record.key(), now);
        WindowTotals change = before == null ? now : now.plus(before, -1);
        if (now.windowType() != null) {
            context.forward(record.withKey(AccuracyWindow.key(now.windowType(), now.windowStart(), now.model()))
                    .withValue(change));
            return;
        }
        List<WindowLayout.Window> windows = layout.containing(now.windowStart().toEpochMilli());
        for (WindowLayout.Window w : windows) {
            Instant start = Instant.ofEpochMilli(w.start());
            context.forward(record.withKey(AccuracyWindow.key(w.type(), start, now.model()))
                    .withValue(change.in(w.type(), start, Instant.ofEpochMilli(w.end()))));
        }
    }
}
