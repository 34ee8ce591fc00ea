package io.gourmetgram.loop.labeling.labelstudio;

import java.io.IOException;

/**
 * An import whose result we did not learn: the answer timed out or broke off after the request
 * was sent, or Label Studio answered 2xx without task ids (Enterprise and Cloud import
 * asynchronously and answer {@code {"import": <id>}}). The tasks may exist: adopt before
 * importing again.
 */
public final class ImportOutcomeUnknownException extends LabelStudioException {

    public ImportOutcomeUnknownException(String operation, IOException cause) {
        super(operation, cause);
    }

    public ImportOutcomeUnknownException(String operation, int status, String detail) {
        super(operation, status, detail);
    }

    @Override
    public boolean unavailable() {
        return false;
    }
}
