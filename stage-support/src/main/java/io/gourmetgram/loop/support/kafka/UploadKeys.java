package io.gourmetgram.loop.support.kafka;

import java.util.Objects;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Per-upload topics are keyed by upload id (see {@code Topics}), and stages join them by key. A record
 * whose key and body disagree would be joined with the wrong upload, so a stage that reads both
 * refuses it: it is dead-lettered like any malformed record.
 */
public final class UploadKeys {

    private UploadKeys() {
    }

    /** Thrown when a record's key is not the upload id its body names. */
    public static final class KeyMismatchException extends SerializationException {
        KeyMismatchException(String message) {
            super(message);
        }
    }

    /**
     * @throws KeyMismatchException when {@code key} is not {@code uploadId}
     */
    public static void requireMatch(String topic, String key, String uploadId) {
        if (!Objects.equals(key, uploadId)) {
            throw new KeyMismatchException("Record on " + topic + " is keyed '" + key + "' but its body is about upload '"
                    + uploadId + "': the key must be the upload id (producers must key per-upload topics by upload id)");
        }
    }
}
