package io.gourmetgram.loop.accuracy.topology;

import io.gourmetgram.loop.events.Annotation;
import io.gourmetgram.loop.events.Feedback;
import io.gourmetgram.loop.events.FeedbackKind;
import io.gourmetgram.loop.events.LabelingRequest;
import io.gourmetgram.loop.events.Prediction;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Per upload, joins the latest labeling request with its standing annotations into at most one
 * {@link Contribution}, and emits window deltas whenever it changes: −old to the windows it was
 * in, +new to the windows it now belongs to. An updated annotation therefore replaces its earlier
 * contribution, a deleted one retracts it, and nothing is counted twice. Every prediction is
 * counted once in its windows too (inference-processor writes each exactly once), so that the
 * estimate knows how many predictions each stratum had. Deltas go to the prediction's bucket
 * ({@link WindowLayout}), not to each of the 25 windows containing it.
 */
final class ContributionTracker implements Processor<String, Object, String, WindowDelta> {

    static final String REQUESTS = "accuracy-requests";
    static final String ANNOTATIONS = "accuracy-annotations";
    static final String CONTRIBUTIONS = "accuracy-contributions";
    /** Uploads whose prediction the uploader confirmed (only confirmations reach this processor). */
    static final String CONFIRMATIONS = "accuracy-confirmations";

    private final AccuracySettings settings;
    private final WindowLayout layout;
    private ProcessorContext<String, WindowDelta> context;
    private KeyValueStore<String, LatestRequest> requests;
    private KeyValueStore<String, UploadAnnotations> annotations;
    private KeyValueStore<String, Contribution> contributions;
    private KeyValueStore<String, Instant> confirmations;
    private long streamTime = Long.MIN_VALUE;

    ContributionTracker(AccuracySettings settings) {
        this.settings = settings;
        this.layout = new WindowLayout(settings);
    }

    @Override
    public void init(ProcessorContext<String, WindowDelta> context) {
        this.context = context;
        this.requests = context.getStateStore(REQUESTS);
        this.annotations = context.getStateStore(ANNOTATIONS);
        this.contributions = context.getStateStore(CONTRIBUTIONS);
        this.confirmations = context.getStateStore(CONFIRMATIONS);
    }

    @Override
    public void process(Record<String, Object> record) {
        String uploadId = record.key();
        if (uploadId == null || record.value() == null) {
            return;
        }
        streamTime = Math.max(streamTime, record.timestamp());
        // what this record changed, so that the contribution below reads from the stores only what it did not
        LatestRequest request = null;
        UploadAnnotations standing = null;
        switch (record.value()) {
            case Prediction prediction -> {
                WindowDelta.PredictionSeen seen =
                        new WindowDelta.PredictionSeen(prediction.model(), prediction.confidence(), prediction.label());
                forward(prediction.scoredAt(), 1, null, seen, record.timestamp());
                return;
            }
            case LabelingRequest received -> {
                LatestRequest known = requests.get(uploadId);
                if (known != null && known.revision() >= received.revision()) {
                    return;
                }
                request = LatestRequest.of(received);
                requests.put(uploadId, request);
            }
            case Annotation annotation -> {
                UploadAnnotations known = annotations.get(uploadId);
                standing = (known == null ? UploadAnnotations.NONE : known).with(annotation);
                annotations.put(uploadId, standing);
            }
            case Feedback feedback
            when feedback.kind() == FeedbackKind.CONFIRMATION -> {
                if (confirmations.get(uploadId) != null) {
                    return;
                }
                confirmations.put(uploadId, feedback.at());
            }
            case Feedback other -> {
                return; // flags and corrections reach accuracy through the labeling request
            }
            default ->
                throw new IllegalArgumentException(
                        "Unexpected record type " + record.value().getClass());
        }
        if (request == null) {
            request = requests.get(uploadId);
        }
        if (request == null) {
            return; // a label or confirmation waits for its request in the store: no contribution before or after
        }
        Contribution before = contributions.get(uploadId);
        Contribution after = contribution(uploadId, request, standing != null ? standing : annotations.get(uploadId));
        if (Objects.equals(before, after)) {
            return;
        }
        contributions.put(uploadId, after);
        if (before != null) {
            emit(before, -1, record.timestamp());
        }
        emit(after, +1, record.timestamp());
    }

    private Contribution contribution(String uploadId, LatestRequest request, UploadAnnotations standing) {
        String truth = standing == null ? null : standing.label().orElse(null);
        return new Contribution(
                uploadId,
                request.model(),
                request.scoredAt(),
                request.predicted(),
                truth,
                request.reasons(),
                request.inclusionProbability(),
                request.userCorrection(),
                request.flagged(),
                request.confidence(),
                confirmations.get(uploadId) != null);
    }

    private void emit(Contribution c, int sign, long timestamp) {
        forward(c.scoredAt(), sign, c, null, timestamp);
    }

    /**
     * One delta for the bucket the prediction falls in when every window containing it is still open
     * (end + grace not before stream time) — the usual case; when only some are (a record older than
     * a window's grace, but not than every window's), one delta per open window, so each window
     * counts exactly the changes it would have counted on its own; nothing when none is open.
     */
    private void forward(Instant scoredAt, int sign, Contribution c, WindowDelta.PredictionSeen p, long timestamp) {
        long t = scoredAt.toEpochMilli();
        List<WindowLayout.Window> windows = layout.containing(t);
        List<WindowLayout.Window> open = new ArrayList<>(windows.size());
        for (WindowLayout.Window w : windows) {
            if (w.end() + settings.grace().toMillis() >= streamTime) {
                open.add(w);
            }
        }
        if (open.size() == windows.size()) {
            send(
                    new WindowDelta(
                            null,
                            Instant.ofEpochMilli(layout.bucketStart(t)),
                            Instant.ofEpochMilli(layout.bucketEnd(t)),
                            sign,
                            c,
                            p),
                    timestamp);
        } else {
            for (WindowLayout.Window w : open) {
                send(
                        new WindowDelta(
                                w.type(), Instant.ofEpochMilli(w.start()), Instant.ofEpochMilli(w.end()), sign, c, p),
                        timestamp);
            }
        }
    }

    private void send(WindowDelta delta, long timestamp) {
        context.forward(new Record<>(delta.key(), delta, timestamp));
    }
}
