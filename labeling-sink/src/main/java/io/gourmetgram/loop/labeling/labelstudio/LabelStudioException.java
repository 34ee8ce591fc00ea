package io.gourmetgram.loop.labeling.labelstudio;

/**
 * A Label Studio call failed. The message names the call, the HTTP status and Label Studio's
 * {@code detail}; {@link #rejectsTheData()} tells a task Label Studio will never accept from a
 * problem that waiting (or fixing the configuration) solves.
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

    /** Label Studio refused the content itself (400, 413, 422): retrying the same task cannot help. */
    public boolean rejectsTheData() {
        return status == 400 || status == 413 || status == 422;
    }
}
