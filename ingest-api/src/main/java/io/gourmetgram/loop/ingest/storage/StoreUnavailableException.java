package io.gourmetgram.loop.ingest.storage;

/** The object store did not take the photo; the upload is refused with 503 and nothing is published. */
public class StoreUnavailableException extends RuntimeException {

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
