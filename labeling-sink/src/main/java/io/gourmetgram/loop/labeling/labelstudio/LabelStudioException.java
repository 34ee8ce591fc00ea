package io.gourmetgram.loop.labeling.labelstudio;

/**
 * A Label Studio call failed. The message names the call, the HTTP status and Label Studio's
 * {@code detail}; {@link #transient_()} tells whether retrying later can help.
 */
public class LabelStudioException extends RuntimeException {

    private final int status;

    public LabelStudioException(String call, int status, String detail) {
        super("Label Studio " + call + " failed" + (status > 0 ? " with HTTP " + status : "") + ": " + detail);
        this.status = status;
    }

    public LabelStudioException(String call, Throwable cause) {
        super("Label Studio " + call + " failed: " + cause.getMessage(), cause);
        this.status = 0;
    }

    public int status() {
        return status;
    }

    /** Unreachable, timed out, overloaded or failing on its side: worth retrying with back-off. */
    public boolean transient_() {
        return status == 0 || status == 429 || status >= 500;
    }
}
