package io.gourmetgram.loop.events;

import java.util.Objects;

/** Where an image lives in the object store. Events carry this reference, never image bytes. */
public record ObjectRef(String bucket, String key) {

    public ObjectRef {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(key, "key");
    }

    /** The file extension of the object key ("jpg", "png", ...), or an empty string. */
    public String extension() {
        int dot = key.lastIndexOf('.');
        return dot < 0 || dot < key.lastIndexOf('/') ? "" : key.substring(dot + 1);
    }
}
