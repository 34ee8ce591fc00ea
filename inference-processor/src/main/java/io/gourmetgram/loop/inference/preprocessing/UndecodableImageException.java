package io.gourmetgram.loop.inference.preprocessing;

/** The bytes are not a decodable image: a permanent failure for that record, which is dead-lettered. */
public class UndecodableImageException extends RuntimeException {

    public UndecodableImageException(String message) {
        super(message);
    }
}
