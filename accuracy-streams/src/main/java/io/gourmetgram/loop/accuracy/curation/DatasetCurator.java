package io.gourmetgram.loop.accuracy.curation;

import io.gourmetgram.loop.events.Annotation;
import io.gourmetgram.loop.events.AnnotationAction;
import io.gourmetgram.loop.events.LabelingRequest;
import io.gourmetgram.loop.events.Prediction;
import io.gourmetgram.loop.events.RequestState;
import java.util.List;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps the retraining sets in step with the streams, per upload:
 * <ul>
 *   <li>a confident prediction (≥ threshold) is filed in production-noisy by predicted label;</li>
 *   <li>once the upload is sent for review, that copy is withdrawn (it was not "unreviewed" after all);</li>
 *   <li>a human label files the photo in production-clean and production-noisy by that label,
 *       replacing an earlier human label's copies; a deleted label removes them.</li>
 * </ul>
 * Every S3 operation is idempotent, so replays after a crash are harmless. Predictions usually
 * arrive before their requests, so a confident prediction may be filed for a moment before its
 * review request withdraws it: the noisy set is eventually consistent, by design.
 */
final class DatasetCurator implements Processor<String, Object, Void, Void> {

    static final String STATE = "curation-state";

    private final DatasetStore store;
    private final List<String> labels;
    private final double confidentAbove;
    private KeyValueStore<String, CurationState> states;

    DatasetCurator(DatasetStore store, List<String> labels, double confidentAbove) {
        this.store = store;
        this.labels = labels;
        this.confidentAbove = confidentAbove;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        states = context.getStateStore(STATE);
    }

    @Override
    public void process(Record<String, Object> record) {
        String id = record.key();
        if (id == null || record.value() == null) {
            return;
        }
        CurationState state = states.get(id);
        CurationState next = switch (record.value()) {
            case Prediction p -> onPrediction(id, state, p);
            case LabelingRequest r -> onRequest(id, state, r);
            case Annotation a -> onAnnotation(id, state, a);
            default ->
                throw new IllegalArgumentException(
                        "Unexpected record type " + record.value().getClass());
        };
        if (next != null) {
            states.put(id, next);
        }
    }

    private CurationState onPrediction(String id, CurationState state, Prediction p) {
        if (state != null || p.confidence() < confidentAbove) {
            // already known (from its request), or nothing filed: an upload's request carries the same
            // prediction, so only a copy that may have to be withdrawn needs remembering (no store write
            // and changelog record for every unsure prediction)
            return null;
        }
        String noisy = DatasetStore.key(p.labelIndex(), p.object(), id);
        store.copy(p.object(), DatasetStore.NOISY, noisy);
        return new CurationState(p.object(), p.labelIndex(), p.confidence(), false, noisy, -1);
    }

    private CurationState onRequest(String id, CurationState state, LabelingRequest r) {
        if (r.state() != RequestState.OPEN) {
            return state == null ? fromRequest(r, false) : null;
        }
        CurationState known = state == null ? fromRequest(r, true) : state;
        if (known.noisyByPrediction() != null && known.humanClassIndex() < 0) {
            store.remove(DatasetStore.NOISY, known.noisyByPrediction());
        }
        return new CurationState(
                known.object(), known.predictedIndex(), known.confidence(), true, null, known.humanClassIndex());
    }

    private CurationState onAnnotation(String id, CurationState state, Annotation a) {
        if (state == null) {
            return null; // labels only come for requested uploads, whose state exists
        }
        int human = a.action() == AnnotationAction.DELETED ? -1 : labels.indexOf(a.label());
        if (human == state.humanClassIndex()) {
            return null; // the same class again (an update that kept the label): the copies are in place
        }
        if (state.humanClassIndex() >= 0) {
            store.remove(DatasetStore.CLEAN, DatasetStore.key(state.humanClassIndex(), state.object(), id));
            store.remove(DatasetStore.NOISY, DatasetStore.key(state.humanClassIndex(), state.object(), id));
        }
        if (human >= 0) {
            store.copy(state.object(), DatasetStore.CLEAN, DatasetStore.key(human, state.object(), id));
            store.copy(state.object(), DatasetStore.NOISY, DatasetStore.key(human, state.object(), id));
        }
        return new CurationState(
                state.object(), state.predictedIndex(), state.confidence(), true, state.noisyByPrediction(), human);
    }

    private static CurationState fromRequest(LabelingRequest r, boolean reviewed) {
        Prediction p = r.prediction();
        return new CurationState(p.object(), p.labelIndex(), p.confidence(), reviewed, null, -1);
    }
}
