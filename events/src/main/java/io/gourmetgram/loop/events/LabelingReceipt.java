package io.gourmetgram.loop.events;

import java.time.Instant;

/**
 * labeling-sink's durable memory of what it put into Label Studio: the task of an upload, and the
 * request revision it reflects. Topic {@code labeling-receipts}, compacted, key = upload id.
 *
 * @param revision the labeling-request revision the task's data shows
 */
public record LabelingReceipt(
        int schemaVersion, String uploadId, long projectId, long taskId, int revision, ObjectRef object, Instant at) {

    public static final int SCHEMA_VERSION = 1;

    public LabelingReceipt(String uploadId, long projectId, long taskId, int revision, ObjectRef object, Instant at) {
        this(SCHEMA_VERSION, uploadId, projectId, taskId, revision, object, at);
    }
}
