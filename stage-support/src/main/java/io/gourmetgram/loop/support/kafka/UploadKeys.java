package io.gourmetgram.loop.support.kafka;

import io.gourmetgram.loop.events.topics.KeyPartitioning;
import java.util.Objects;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Per-upload topics are keyed by upload id (see {@code Topics}), and stages join them by key. A record
 * whose key and body disagree would be joined with the wrong upload, so a stage that reads both
 * refuses it: it is dead-lettered like any malformed record.
 */
public final class UploadKeys {

    private UploadKeys() {}

    /** Thrown when a record's key is not the upload id its body names. */
    public static final class KeyMismatchException extends SerializationException {
        KeyMismatchException(String message) {
            super(message);
        }
    }

    /** Thrown when a record is not on the partition its key belongs on. */
    public static final class MisroutedRecordException extends SerializationException {
        MisroutedRecordException(String message) {
            super(message);
        }
    }

    /**
     * @throws MisroutedRecordException when {@code key} belongs on another partition than {@code partition}
     *                                  by the Java client's murmur2 partitioner
     */
    public static void requirePartition(String topic, String key, int partition, int partitions) {
        int expected = KeyPartitioning.partitionOf(key, partitions);
        if (partition != expected) {
            throw new MisroutedRecordException("Record on " + topic + " partition " + partition + " is keyed '" + key
                    + "', which belongs on partition " + expected + " of " + partitions
                    + ": its producer does not partition"
                    + " keys with murmur2 like the Java client (librdkafka's default consistent_random does not; kcat needs"
                    + " -X topic.partitioner=murmur2_random), so this record would never meet the rest of its upload."
                    + " Re-produce it with a murmur2 partitioner.");
        }
    }

    /**
     * @throws KeyMismatchException when {@code key} is not {@code uploadId}
     */
    public static void requireMatch(String topic, String key, String uploadId) {
        if (!Objects.equals(key, uploadId)) {
            throw new KeyMismatchException(
                    "Record on " + topic + " is keyed '" + key + "' but its body is about upload '" + uploadId
                            + "': the key must be the upload id (producers must key per-upload topics by upload id)");
        }
    }
}
