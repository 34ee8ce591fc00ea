package io.gourmetgram.loop.ingest.storage;

/** The object store refused or did not answer. */
public class ObjectStoreException extends RuntimeException {

    public ObjectStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
