package io.gourmetgram.loop.ingest.problem;

import io.gourmetgram.loop.support.problem.ProblemType;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Replaces Spring Boot's whitelabel/JSON error page for errors raised outside Spring MVC (by the
 * servlet container or a filter), so those are problem JSON too and never show a stack trace.
 */
@RestController
public class ProblemErrorController implements ErrorController {

    @RequestMapping("${server.error.path:/error}")
    ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
        HttpStatus status = statusOf(request);
        Object path = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        ProblemDetail problem = switch (status) {
            case CONTENT_TOO_LARGE ->
                ProblemType.PHOTO_TOO_LARGE.detail(
                        "The request is larger than this server accepts. Send a smaller photo.");
            case NOT_FOUND ->
                ProblemType.NOT_FOUND.detail("There is nothing at " + (path == null ? request.getRequestURI() : path)
                        + ". The web page is at /, the API under /api/uploads.");
            default ->
                status.is5xxServerError()
                        ? ProblemType.INTERNAL_ERROR.detail("Something went wrong on our side. Please try again later.")
                        : ProblemType.forStatus(status.value())
                                .map(type -> type.detail(status.getReasonPhrase()))
                                .orElseGet(() -> ProblemDetail.forStatusAndDetail(status, status.getReasonPhrase()));
        };
        problem.setStatus(status.value());
        if (path != null) {
            problem.setInstance(URI.create(path.toString()));
        }
        return ResponseEntity.status(status)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem);
    }

    private static HttpStatus statusOf(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        HttpStatus status = code instanceof Integer c ? HttpStatus.resolve(c) : null;
        return status == null ? HttpStatus.NOT_FOUND : status; // no status: /error was requested directly
    }
}
