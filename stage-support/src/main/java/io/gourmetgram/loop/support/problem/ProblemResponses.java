package io.gourmetgram.loop.support.problem;

import java.net.URI;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * What every stage's HTTP errors look like, written once: Spring MVC's own problems (404, 405, 400 on
 * a bad parameter, ...) get the catalog's generic type and title, every problem names the request it
 * is about ({@code instance}), and anything unexpected is a 500 naming an error id for the logs
 * instead of leaking internals. A stage extends it with a one-line {@code @RestControllerAdvice}
 * (and may add handlers of its own).
 */
public abstract class ProblemResponses extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemResponses.class);
    private static final URI BLANK = URI.create("about:blank");

    @ExceptionHandler(Exception.class)
    public ResponseEntity<Object> unexpected(Exception e, WebRequest request) {
        String errorId = UUID.randomUUID().toString();
        log.error("Unexpected error {} on {}", errorId, request.getDescription(false), e);
        ProblemDetail problem = ProblemType.INTERNAL_ERROR.detail(
                "Something went wrong on our side. If it keeps happening, report error id " + errorId + ".");
        problem.setProperty("errorId", errorId);
        return handleExceptionInternal(e, problem, new HttpHeaders(), ProblemType.INTERNAL_ERROR.status(), request);
    }

    @Override
    protected ResponseEntity<Object> createResponseEntity(
            Object body, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        if (body instanceof ProblemDetail problem) {
            if (problem.getType() == null || BLANK.equals(problem.getType())) {
                ProblemType.forStatus(problem.getStatus()).ifPresent(type -> {
                    problem.setType(type.type());
                    problem.setTitle(type.title());
                });
            }
            if (problem.getInstance() == null && request instanceof ServletWebRequest servlet) {
                problem.setInstance(URI.create(servlet.getRequest().getRequestURI()));
            }
        }
        return super.createResponseEntity(body, headers, status, request);
    }
}
