package io.gourmetgram.loop.ingest.problem;

import io.gourmetgram.loop.support.problem.ApiProblem;
import io.gourmetgram.loop.support.problem.ProblemType;
import java.net.URI;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.multipart.support.MissingServletRequestPartException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * Turns every exception that reaches Spring MVC into RFC 9457 problem JSON: our own {@link ApiProblem}s,
 * Spring's (404, 405, 413 from the multipart limits, ...) with details a person can act on, and
 * anything unexpected as a 500 that names an error id for the logs instead of leaking internals.
 */
@RestControllerAdvice
public class ProblemHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);
    private static final URI BLANK = URI.create("about:blank");

    @ExceptionHandler(Exception.class)
    ResponseEntity<Object> unexpected(Exception e, WebRequest request) {
        String errorId = UUID.randomUUID().toString();
        log.error("Unexpected error {} on {}", errorId, request.getDescription(false), e);
        ProblemDetail problem = ProblemType.INTERNAL_ERROR.detail(
                "Something went wrong on our side. If it keeps happening, report error id " + errorId + ".");
        problem.setProperty("errorId", errorId);
        return handleExceptionInternal(e, problem, new HttpHeaders(), ProblemType.INTERNAL_ERROR.status(), request);
    }

    /** A form that is not valid multipart (no boundary, cut off); oversized ones are handled below. */
    @ExceptionHandler(MultipartException.class)
    ResponseEntity<Object> unreadableForm(MultipartException e, WebRequest request) {
        ProblemDetail problem = ProblemType.BAD_REQUEST.detail("The multipart form could not be read. Send the photo"
                + " as the form field 'file' (curl -F file=@photo.jpg ...) or as the raw request body.");
        return handleExceptionInternal(e, problem, new HttpHeaders(), ProblemType.BAD_REQUEST.status(), request);
    }

    @Override
    protected ResponseEntity<Object> handleNoResourceFoundException(NoResourceFoundException e, HttpHeaders headers,
                                                                    HttpStatusCode status, WebRequest request) {
        ProblemDetail problem = ProblemType.NOT_FOUND.detail("There is nothing at /" + e.getResourcePath()
                + ". The web page is at /, the API under /api/uploads.");
        return handleExceptionInternal(e, problem, headers, status, request);
    }

    @Override
    protected ResponseEntity<Object> handleMaxUploadSizeExceededException(MaxUploadSizeExceededException e, HttpHeaders headers,
                                                                          HttpStatusCode status, WebRequest request) {
        ProblemDetail problem = ProblemType.PHOTO_TOO_LARGE.detail("The request is larger than this server accepts"
                + (e.getMaxUploadSize() > 0 ? " (" + e.getMaxUploadSize() + " bytes)" : "") + ". Send a smaller photo.");
        if (e.getMaxUploadSize() > 0) {
            problem.setProperty("maxBytes", e.getMaxUploadSize());
        }
        return handleExceptionInternal(e, problem, headers, ProblemType.PHOTO_TOO_LARGE.status(), request);
    }

    @Override
    protected ResponseEntity<Object> handleMissingServletRequestPart(MissingServletRequestPartException e, HttpHeaders headers,
                                                                     HttpStatusCode status, WebRequest request) {
        ProblemDetail problem = ProblemType.NO_PHOTO.detail("The multipart form has no part named '"
                + e.getRequestPartName() + "'. Send the photo as the form field 'file' (curl -F file=@photo.jpg ...).");
        return handleExceptionInternal(e, problem, headers, status, request);
    }

    /**
     * Spring's own problems get one of our generic types, and every problem names the request it is
     * about ({@code instance}), so a pasted error is self-explanatory.
     */
    @Override
    protected ResponseEntity<Object> createResponseEntity(Object body, HttpHeaders headers, HttpStatusCode status,
                                                          WebRequest request) {
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
