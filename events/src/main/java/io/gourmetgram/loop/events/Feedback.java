package io.gourmetgram.loop.events;

import java.time.Instant;

/**
 * The uploader flagged, corrected or confirmed a prediction. Topic {@code feedback}, key = upload id.
 * Repeated feedback is allowed; the latest correction wins.
 *
 * @param correctedLabel the label the user chose (for {@link FeedbackKind#CORRECTION}), else null
 * @param picker         for a correction from the web page: how the label was picked and in what order
 *                       the classes were shown; null otherwise (and in events written before it existed)
 */
public record Feedback(
        int schemaVersion,
        String uploadId,
        FeedbackKind kind,
        String correctedLabel,
        Instant at,
        ClientInfo client,
        CorrectionPicker picker) {

    public static final int SCHEMA_VERSION = 1;

    public Feedback(String uploadId, FeedbackKind kind, String correctedLabel, Instant at, ClientInfo client) {
        this(SCHEMA_VERSION, uploadId, kind, correctedLabel, at, client, null);
    }

    public Feedback(
            String uploadId,
            FeedbackKind kind,
            String correctedLabel,
            Instant at,
            ClientInfo client,
            CorrectionPicker picker) {
        this(SCHEMA_VERSION, uploadId, kind, correctedLabel, at, client, picker);
    }
}
