package io.gourmetgram.loop.ingest.problem;

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
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        Object path = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        HttpStatus status = code instanceof Integer c && HttpStatus.resolve(c) != null ? HttpStatus.resolve(c) : HttpStatus.NOT_FOUND;
        ProblemDetail problem = switch (status) {
            case CONTENT_TOO_LARGE -> ProblemType.PHOTO_TOO_LARGE.detail("The request is larger than this server accepts. Send a smaller photo.");
            case NOT_FOUND -> ProblemType.NOT_FOUND.detail("There is nothing at " + (path == null ? request.getRequestURI() : path)
                    + ". The web page is at /, the API under /api/uploads.");
            case BAD_REQUEST -> ProblemType.BAD_REQUEST.detail("The request could not be understood.");
            default -> status.is5xxServerError()
                    ? ProblemType.INTERNAL_ERROR.detail("Something went wrong on our side. Please try again later.")
                    : ProblemDetail.forStatusAndDetail(status, status.getReasonPhrase());
        };
        problem.setStatus(status.value());
        if (path != null) {
            problem.setInstance(URI.create(path.toString()));
        }
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }
}
