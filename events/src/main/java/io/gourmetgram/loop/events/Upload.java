package io.gourmetgram.loop.events;

import java.time.Instant;

/**
 * A photo was accepted: its bytes are in the object store and it awaits a prediction.
 * Topic {@code uploads}, key = upload id.
 *
 * @param feedbackTokenSha256 hex SHA-256 of the per-upload feedback token; the token itself is only
 *                            ever given to the uploader
 */
public record Upload(
        int schemaVersion,
        String uploadId,
        ObjectRef object,
        String contentType,
        long byteSize,
        String sha256,
        int width,
        int height,
        String feedbackTokenSha256,
        Instant uploadedAt) {

    public static final int SCHEMA_VERSION = 1;

    public Upload(
            String uploadId,
            ObjectRef object,
            String contentType,
            long byteSize,
            String sha256,
            int width,
            int height,
            String feedbackTokenSha256,
            Instant uploadedAt) {
        this(
                SCHEMA_VERSION,
                uploadId,
                object,
                contentType,
                byteSize,
                sha256,
                width,
                height,
                feedbackTokenSha256,
                uploadedAt);
    }
}
