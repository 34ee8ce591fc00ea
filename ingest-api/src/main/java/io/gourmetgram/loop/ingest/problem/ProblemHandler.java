package io.gourmetgram.loop.ingest.problem;

import io.gourmetgram.loop.support.problem.ApiProblem;
import io.gourmetgram.loop.support.problem.ProblemResponses;
import io.gourmetgram.loop.support.problem.ProblemType;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.multipart.support.MissingServletRequestPartException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * Turns every exception that reaches Spring MVC into RFC 9457 problem JSON: our own {@link ApiProblem}s,
 * Spring's (404, 405, 413 from the multipart limits, ...) with details a person can act on, and
 * anything unexpected as a 500 that names an error id for the logs instead of leaking internals
 * (the generic parts are stage-support's {@link ProblemResponses}).
 */
@RestControllerAdvice
public class ProblemHandler extends ProblemResponses {

    /** A form that is not valid multipart (no boundary, cut off); oversized ones are handled below. */
    @ExceptionHandler(MultipartException.class)
    ResponseEntity<Object> unreadableForm(MultipartException e, WebRequest request) {
        ProblemDetail problem = ProblemType.BAD_REQUEST.detail("The multipart form could not be read. Send the photo"
                + " as the form field 'file' (curl -F file=@photo.jpg ...) or as the raw request body.");
        return handleExceptionInternal(e, problem, new HttpHeaders(), ProblemType.BAD_REQUEST.status(), request);
    }

    @Override
    protected ResponseEntity<Object> handleNoResourceFoundException(
            NoResourceFoundException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        ProblemDetail problem = ProblemType.NOT_FOUND.detail(
                "There is nothing at /" + e.getResourcePath() + ". The web page is at /, the API under /api/uploads.");
        return handleExceptionInternal(e, problem, headers, status, request);
    }

    @Override
    protected ResponseEntity<Object> handleMaxUploadSizeExceededException(
            MaxUploadSizeExceededException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        ProblemDetail problem = ProblemType.PHOTO_TOO_LARGE.detail("The request is larger than this server accepts"
                + (e.getMaxUploadSize() > 0 ? " (" + e.getMaxUploadSize() + " bytes)" : "")
                + ". Send a smaller photo.");
        if (e.getMaxUploadSize() > 0) {
            problem.setProperty("maxBytes", e.getMaxUploadSize());
        }
        return handleExceptionInternal(e, problem, headers, ProblemType.PHOTO_TOO_LARGE.status(), request);
    }

    @Override
    protected ResponseEntity<Object> handleMissingServletRequestPart(
            MissingServletRequestPartException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        ProblemDetail problem = ProblemType.NO_PHOTO.detail("The multipart form has no part named '"
                + e.getRequestPartName() + "'. Send the photo as the form field 'file' (curl -F file=@photo.jpg ...).");
        return handleExceptionInternal(e, problem, headers, status, request);
    }
}
