package io.gourmetgram.loop.inference.model;

/** The model files cannot be served as declared; the message names the files and values involved. */
public class ModelMismatchException extends RuntimeException {

    public ModelMismatchException(String message) {
        super(message);
    }
}
