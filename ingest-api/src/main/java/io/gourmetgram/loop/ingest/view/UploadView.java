package io.gourmetgram.loop.ingest.view;

import io.gourmetgram.loop.events.Prediction;
import io.gourmetgram.loop.events.Upload;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * This instance's bounded, in-memory view of recent uploads and their predictions, fed from Kafka by
 * {@link UploadViewFeed}. Least recently used entries are evicted beyond {@code maxEntries}; an evicted
 * upload answers 404 like one that never existed.
 *
 * <p>Requests waiting for a prediction subscribe here and are notified on {@code notifier}, never on
 * the Kafka consumer's thread, so a slow HTTP client cannot stall the feed.
 */
public class UploadView {

    /** Stops a subscription; safe to call more than once. */
    public interface Subscription {
        void cancel();
    }

    private final int maxEntries;
    private final Executor notifier;
    private final Map<String, KnownUpload> entries;
    private final Map<String, List<Consumer<Prediction>>> waiting = new HashMap<>();

    public UploadView(int maxEntries, Executor notifier) {
        this.maxEntries = maxEntries;
        this.notifier = notifier;
        this.entries = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, KnownUpload> eldest) {
                return size() > UploadView.this.maxEntries;
            }
        };
    }

    /**
     * Records an upload. The first record for an id wins: a later one (a replay, or a forged record from
     * someone who can write to {@code uploads}) cannot replace its feedback-token hash or its object.
     */
    public synchronized void recordUpload(Upload upload) {
        entries.merge(
                upload.uploadId(),
                new KnownUpload(upload, null),
                (old, fresh) -> old.upload() == null ? old.withUpload(upload) : old);
    }

    public void recordPrediction(Prediction prediction) {
        List<Consumer<Prediction>> listeners;
        synchronized (this) {
            entries.merge(
                    prediction.uploadId(),
                    new KnownUpload(null, prediction),
                    (old, fresh) -> old.withPrediction(prediction));
            listeners = waiting.remove(prediction.uploadId());
        }
        if (listeners != null) {
            listeners.forEach(listener -> notifier.execute(() -> listener.accept(prediction)));
        }
    }

    /** The upload with this id, if this instance knows it (a prediction alone does not count). */
    public synchronized Optional<KnownUpload> find(String uploadId) {
        KnownUpload known = entries.get(uploadId);
        return known == null || known.upload() == null ? Optional.empty() : Optional.of(known);
    }

    /**
     * Calls {@code listener} once, as soon as the upload has a prediction (at once if it already has).
     * The caller cancels the subscription when it stops waiting.
     */
    public Subscription onPrediction(String uploadId, Consumer<Prediction> listener) {
        synchronized (this) {
            KnownUpload known = entries.get(uploadId);
            if (known == null || known.prediction() == null) {
                waiting.computeIfAbsent(uploadId, id -> new ArrayList<>()).add(listener);
                return () -> cancel(uploadId, listener);
            }
            notifier.execute(() -> listener.accept(known.prediction()));
            return () -> {};
        }
    }

    public synchronized int size() {
        return entries.size();
    }

    private synchronized void cancel(String uploadId, Consumer<Prediction> listener) {
        List<Consumer<Prediction>> listeners = waiting.get(uploadId);
        if (listeners != null && listeners.remove(listener) && listeners.isEmpty()) {
            waiting.remove(uploadId);
        }
    }
}
