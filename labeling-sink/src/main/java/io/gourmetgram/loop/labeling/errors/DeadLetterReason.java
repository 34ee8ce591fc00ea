package io.gourmetgram.loop.labeling.errors;

/** Why labeling-sink set a record aside; the {@code reason} tag of {@code gourmetgram.labeling.dead.letters}. */
public enum DeadLetterReason {
    /** A labeling request that is not a readable LabelingRequest. */
    CORRUPT("corrupt"),
    /** A readable request without a field a task needs. */
    INCOMPLETE("incomplete"),
    /** The record key and the body's uploadId disagree. */
    KEY_MISMATCH("key_mismatch"),
    /** Label Studio refused the task's content (400/413/422). */
    REJECTED_BY_LABEL_STUDIO("rejected_by_label_studio"),
    /** Label Studio refused to touch this one task (403/409). */
    REFUSED_BY_LABEL_STUDIO("refused_by_label_studio"),
    /** An annotation whose label is not one of the model's labels. */
    UNKNOWN_LABEL("unknown_label"),
    /** An annotation on a task whose upload has no receipt (not a task we made). */
    NO_RECEIPT("no_receipt");

    private final String tag;

    DeadLetterReason(String tag) {
        this.tag = tag;
    }

    public String tag() {
        return tag;
    }
}
