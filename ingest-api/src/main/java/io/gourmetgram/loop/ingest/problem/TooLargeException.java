package io.gourmetgram.loop.ingest.problem;

import org.springframework.http.HttpStatus;
import org.springframework.util.unit.DataSize;

/** A body over the size limit, detected while reading it (raw uploads) or from its declared length. */
public class TooLargeException extends RuntimeException {

    private final DataSize limit;

    public TooLargeException(DataSize limit) {
        super("Photo larger than " + limit);
        this.limit = limit;
    }

    ApiProblem problem() {
        return new ApiProblem(HttpStatus.CONTENT_TOO_LARGE, "Photo too large",
                "The photo is larger than this service accepts (" + limit.toBytes() + " bytes at most).");
    }
}
