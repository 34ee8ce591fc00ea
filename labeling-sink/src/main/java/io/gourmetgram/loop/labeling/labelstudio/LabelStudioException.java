package io.gourmetgram.loop.labeling.labelstudio;

import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;

/**
 * A Label Studio call failed. The message names the call, the HTTP status and Label Studio's
 * {@code detail}. The predicates say what the failure means for the record being handled: only
 * {@link #unavailable()} is a reason to wait and retry; the others are answers about one task or
 * project that retrying cannot change.
 */
public class LabelStudioException extends RuntimeException {

    private final String operation;
    private final int status;
    private final boolean requestNeverSent;

    public LabelStudioException(String operation, int status, String detail) {
        super("Label Studio " + operation + " failed" + (status > 0 ? " with HTTP " + status : "") + ": " + detail);
        this.operation = operation;
        this.status = status;
        this.requestNeverSent = false;
    }

    public LabelStudioException(String operation, IOException cause) {
        super("Label Studio " + operation + " failed: " + cause, cause);
        this.operation = operation;
        this.status = 0;
        this.requestNeverSent = cause instanceof ConnectException || cause instanceof UnknownHostException;
    }

    public String operation() {
        return operation;
    }

    /** The HTTP status, or 0 when there was no answer (connection failure, timeout). */
    public int status() {
        return status;
    }

    /**
     * Label Studio cannot be used right now: no answer, a timeout, 5xx or 429 — or it refuses our
     * credentials (401), which an operator fixes without losing a request, or answers 2xx with a
     * body we cannot read. Wait and retry.
     */
    public boolean unavailable() {
        return status == 0 || status >= 500 || status == 429 || status == 401 || (status >= 200 && status < 300);
    }

    /** Label Studio refused the content itself (400, 413, 422): retrying the same task cannot help. */
    public boolean rejectsTheData() {
        return status == 400 || status == 413 || status == 422;
    }

    /** The task or project addressed does not exist (any more). */
    public boolean notFound() {
        return status == 404;
    }

    /** A per-object refusal (403 forbidden on this object, 409 conflict). */
    public boolean refusedForThisObject() {
        return status == 403 || status == 409;
    }

    /** The connection could not even be opened: Label Studio certainly did nothing. */
    boolean requestNeverSent() {
        return requestNeverSent;
    }
}
