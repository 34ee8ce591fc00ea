package io.gourmetgram.loop.support.problem;

import org.springframework.web.ErrorResponseException;

/**
 * An error a stage reports to the client as problem JSON; thrown by any concern and rendered by Spring
 * MVC's {@code ErrorResponse} support (ingest-api's {@code ProblemHandler} adds the request as {@code instance}).
 */
public class ApiProblem extends ErrorResponseException {

    private final ProblemType problemType;

    public ApiProblem(ProblemType type, String detail) {
        this(type, detail, null);
    }

    public ApiProblem(ProblemType type, String detail, Throwable cause) {
        super(type.status(), type.detail(detail), cause);
        this.problemType = type;
    }

    public ProblemType problemType() {
        return problemType;
    }

    /** Adds an extension member (RFC 9457 §3.2) such as the limit that was exceeded. */
    public ApiProblem with(String member, Object value) {
        getBody().setProperty(member, value);
        return this;
    }

    /** Tells the client when trying again makes sense (for 503s). */
    public ApiProblem retryAfterSeconds(long seconds) {
        getHeaders().set("Retry-After", Long.toString(seconds));
        return this;
    }

    @Override
    public String getMessage() {
        return problemType + ": " + getBody().getDetail();
    }
}
