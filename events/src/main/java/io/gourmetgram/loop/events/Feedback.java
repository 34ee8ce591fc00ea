package io.gourmetgram.loop.events;

import java.time.Instant;

/**
 * The uploader flagged or corrected a prediction. Topic {@code feedback}, key = upload id.
 * Repeated feedback is allowed; the latest correction wins.
 *
 * @param correctedLabel the label the user chose (for {@link FeedbackKind#CORRECTION}), else null
 */
public record Feedback(
        int schemaVersion,
        String uploadId,
        FeedbackKind kind,
        String correctedLabel,
        Instant at,
        ClientInfo client) {

    public static final int SCHEMA_VERSION = 1;

    public Feedback(String uploadId, FeedbackKind kind, String correctedLabel, Instant at, ClientInfo client) {
        this(SCHEMA_VERSION, uploadId, kind, correctedLabel, at, client);
    }
}
