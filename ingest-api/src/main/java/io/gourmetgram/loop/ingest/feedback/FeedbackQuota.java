package io.gourmetgram.loop.ingest.feedback;

import io.gourmetgram.loop.support.problem.ApiProblem;
import io.gourmetgram.loop.support.problem.ProblemType;
import java.time.Clock;
import java.time.Duration;
import java.util.OptionalLong;

/**
 * How much feedback one client and one upload may send. The client quota is charged for every call
 * (wrong tokens included, so guessing is slow); the upload quota only for calls that carry the
 * upload's token, so nobody can use up someone else's budget.
 */
public final class FeedbackQuota {

    /** Keys remembered per quota; a few MB at most. */
    private static final int MAX_KEYS = 100_000;

    private final WindowQuota perClient;
    private final WindowQuota perUpload;
    private final Duration window;

    public FeedbackQuota(int perClient, int perUpload, Duration window, Clock clock) {
        this.perClient = new WindowQuota(perClient, window, MAX_KEYS, clock);
        this.perUpload = new WindowQuota(perUpload, window, MAX_KEYS, clock);
        this.window = window;
    }

    /** @throws ApiProblem 429 with Retry-After when this client has sent too much feedback */
    public void chargeClient(String clientAddress) {
        refuseIfSpent(perClient.charge(clientAddress), "from your address", perClient.limit());
    }

    /** @throws ApiProblem 429 with Retry-After when this upload has had too much feedback */
    public void chargeUpload(String uploadId) {
        refuseIfSpent(perUpload.charge(uploadId), "on this upload", perUpload.limit());
    }

    private void refuseIfSpent(OptionalLong retryAfterSeconds, String scope, int limit) {
        if (retryAfterSeconds.isPresent()) {
            throw new ApiProblem(
                            ProblemType.FEEDBACK_RATE_LIMITED,
                            "At most " + limit + " feedback calls " + scope
                                    + " are accepted per " + window.toSeconds()
                                    + " s. Your earlier feedback was recorded; try again in "
                                    + retryAfterSeconds.getAsLong() + " s if something is still to say.")
                    .with("limit", limit)
                    .with("windowSeconds", window.toSeconds())
                    .retryAfterSeconds(retryAfterSeconds.getAsLong());
        }
    }
}
