package io.gourmetgram.loop.ingest.view;

import io.gourmetgram.loop.events.Prediction;
import io.gourmetgram.loop.events.Upload;
import io.gourmetgram.loop.ingest.config.IngestProperties;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.springframework.stereotype.Component;

/**
 * A bounded, in-memory view of recent uploads and their predictions, fed from the {@code uploads}
 * and {@code predictions} topics. Least recently used entries are evicted past the bound.
 * Callers can wait for a prediction: their callback runs once, when it arrives.
 */
@Component
public class UploadView {

    private final int maxEntries;
    private final Map<String, UploadStatus> entries;
    /** Predictions that arrived before their upload (another instance's upload, partitions read at different speeds). */
    private final Map<String, Prediction> earlyPredictions;
    private final Map<String, List<Consumer<UploadStatus>>> waiting = new HashMap<>();

    public UploadView(IngestProperties properties, MeterRegistry registry) {
        this.maxEntries = properties.viewMaxEntries();
        this.entries = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, UploadStatus> eldest) {
                return size() > maxEntries;
            }
        };
        this.earlyPredictions = new LinkedHashMap<>(64, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Prediction> eldest) {
                return size() > maxEntries;
            }
        };
        Gauge.builder("gourmetgram.ingest.view.entries", this, UploadView::size)
                .description("Uploads held in the local view").register(registry);
    }

    public synchronized Optional<UploadStatus> find(String uploadId) {
        return Optional.ofNullable(entries.get(uploadId));
    }

    public synchronized int size() {
        return entries.size();
    }

    public void recordUpload(Upload upload) {
        UploadStatus status;
        synchronized (this) {
            UploadStatus known = entries.get(upload.uploadId());
            Prediction prediction = known != null ? known.prediction() : earlyPredictions.remove(upload.uploadId());
            status = new UploadStatus(upload, prediction);
            entries.put(upload.uploadId(), status);
        }
        if (status.predicted()) {
            notifyWaiters(status);
        }
    }

    public void recordPrediction(Prediction prediction) {
        UploadStatus status;
        synchronized (this) {
            UploadStatus known = entries.get(prediction.uploadId());
            if (known == null) {
                earlyPredictions.put(prediction.uploadId(), prediction);
                return;
            }
            status = new UploadStatus(known.upload(), prediction);
            entries.put(prediction.uploadId(), status);
        }
        notifyWaiters(status);
    }

    /**
     * Runs {@code onPrediction} once the upload has a prediction: now if it has one, else when it
     * arrives. Returns a handle that cancels the wait (call it on timeout or disconnect).
     */
    public Runnable whenPredicted(String uploadId, Consumer<UploadStatus> onPrediction) {
        UploadStatus now;
        synchronized (this) {
            now = entries.get(uploadId);
            if (now == null || !now.predicted()) {
                waiting.computeIfAbsent(uploadId, id -> new ArrayList<>()).add(onPrediction);
                return () -> cancel(uploadId, onPrediction);
            }
        }
        onPrediction.accept(now);
        return () -> { };
    }

    private synchronized void cancel(String uploadId, Consumer<UploadStatus> callback) {
        List<Consumer<UploadStatus>> callbacks = waiting.get(uploadId);
        if (callbacks != null) {
            callbacks.remove(callback);
            if (callbacks.isEmpty()) {
                waiting.remove(uploadId);
            }
        }
    }

    private void notifyWaiters(UploadStatus status) {
        List<Consumer<UploadStatus>> callbacks;
        synchronized (this) {
            callbacks = waiting.remove(status.upload().uploadId());
        }
        if (callbacks != null) {
            callbacks.forEach(c -> c.accept(status));
        }
    }
}
