package io.gourmetgram.loop.ingest.view;

import io.gourmetgram.loop.events.ObjectRef;
import io.gourmetgram.loop.events.Prediction;
import io.gourmetgram.loop.events.Upload;
import java.time.Instant;

/**
 * The answer of GET /api/uploads/{id}: the upload and, once it exists, its prediction.
 *
 * @param state {@code awaiting_prediction} or {@code predicted}
 */
public record UploadStatus(String uploadId, String state, Photo upload, Prediction prediction) {

    /** The upload's facts, without its feedback token hash (that stays on the server). */
    public record Photo(
            ObjectRef object,
            String contentType,
            long byteSize,
            String sha256,
            int width,
            int height,
            Instant uploadedAt) {}

    static UploadStatus of(KnownUpload known) {
        Upload u = known.upload();
        return new UploadStatus(
                u.uploadId(),
                known.prediction() == null ? "awaiting_prediction" : "predicted",
                new Photo(u.object(), u.contentType(), u.byteSize(), u.sha256(), u.width(), u.height(), u.uploadedAt()),
                known.prediction());
    }
}
