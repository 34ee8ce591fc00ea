package io.gourmetgram.loop.ingest.problem;

import io.gourmetgram.loop.support.problem.ApiProblem;
import io.gourmetgram.loop.support.problem.ProblemResponses;
import io.gourmetgram.loop.support.problem.ProblemType;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * Turns every exception that reaches Spring MVC into RFC 9457 problem JSON: our own {@link ApiProblem}s,
 * Spring's (404, 405, ...) with details a person can act on, and
 * anything unexpected as a 500 that names an error id for the logs instead of leaking internals
 * (the generic parts are stage-support's {@link ProblemResponses}).
 */
@RestControllerAdvice
public class ProblemHandler extends ProblemResponses {

    @Override
    protected ResponseEntity<Object> handleNoResourceFoundException(
            NoResourceFoundException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        ProblemDetail problem = ProblemType.NOT_FOUND.detail(
                "There is nothing at /" + e.getResourcePath() + ". The web page is at /, the API under /api/uploads.");
        return handleExceptionInternal(e, problem, headers, status, request);
    }
}
