package io.gourmetgram.loop.inference.storage;

/** The upload's object is gone: a permanent failure for that record, which is dead-lettered. */
public class ImageUnavailableException extends RuntimeException {

    public ImageUnavailableException(String message) {
        super(message);
    }
}
