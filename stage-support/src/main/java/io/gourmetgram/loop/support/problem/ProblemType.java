package io.gourmetgram.loop.support.problem;

import java.net.URI;
import java.util.List;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

/**
 * Every kind of problem a GourmetGram stage answers with over HTTP (RFC 9457), one catalog for all
 * stages. The {@code type} URI identifies the kind for clients; the title is the same for every
 * occurrence; the detail says what happened this time. Stages throw {@link ApiProblem} or return
 * {@link #response(String)}; never a bare {@code ProblemDetail}.
 */
public enum ProblemType {
    NO_PHOTO("no-photo", HttpStatus.BAD_REQUEST, "No photo in the request"),
    PHOTO_TOO_LARGE("photo-too-large", HttpStatus.CONTENT_TOO_LARGE, "Photo too large"),
    UNSUPPORTED_IMAGE_TYPE("unsupported-image-type", HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Not a supported image type"),
    TOO_MANY_PIXELS("too-many-pixels", HttpStatus.UNPROCESSABLE_CONTENT, "Photo has too many pixels"),
    UNSUPPORTED_DIMENSIONS(
            "unsupported-dimensions", HttpStatus.UNPROCESSABLE_CONTENT, "Photo sides or aspect ratio out of range"),
    UNREADABLE_IMAGE("unreadable-image", HttpStatus.UNPROCESSABLE_CONTENT, "Image header cannot be read"),
    TRUNCATED_IMAGE("truncated-image", HttpStatus.UNPROCESSABLE_CONTENT, "Photo file is incomplete"),
    UPLOAD_TOO_SLOW("upload-too-slow", HttpStatus.REQUEST_TIMEOUT, "Photo arrived too slowly"),
    UPLOADS_BUSY("uploads-busy", HttpStatus.SERVICE_UNAVAILABLE, "Too many uploads in progress"),
    OBJECT_STORE_UNAVAILABLE("object-store-unavailable", HttpStatus.SERVICE_UNAVAILABLE, "Photo storage unavailable"),
    EVENT_LOG_UNAVAILABLE("event-log-unavailable", HttpStatus.SERVICE_UNAVAILABLE, "Event log unavailable"),
    UPLOAD_NOT_FOUND("upload-not-found", HttpStatus.NOT_FOUND, "Upload not found"),
    INVALID_WAIT("invalid-wait", HttpStatus.BAD_REQUEST, "Invalid wait parameter"),
    FEEDBACK_FORBIDDEN("feedback-forbidden", HttpStatus.FORBIDDEN, "Feedback token missing or wrong"),
    FEEDBACK_RATE_LIMITED("feedback-rate-limited", HttpStatus.TOO_MANY_REQUESTS, "Too much feedback"),
    MALFORMED_FEEDBACK("malformed-feedback", HttpStatus.BAD_REQUEST, "Malformed feedback"),
    UNKNOWN_LABEL("unknown-label", HttpStatus.UNPROCESSABLE_CONTENT, "Not one of the model's labels"),

    // accuracy-streams
    INVALID_ACCURACY_QUERY("invalid-accuracy-query", HttpStatus.BAD_REQUEST, "Invalid query"),
    ACCURACY_NOT_READY("accuracy-not-ready", HttpStatus.SERVICE_UNAVAILABLE, "Not ready"),

    // labeling-sink
    WEBHOOK_UNAUTHORIZED("webhook-unauthorized", HttpStatus.UNAUTHORIZED, "Unauthorized webhook"),
    WEBHOOK_TOO_LARGE("webhook-too-large", HttpStatus.CONTENT_TOO_LARGE, "Webhook too large"),
    MALFORMED_WEBHOOK("malformed-webhook", HttpStatus.BAD_REQUEST, "Not a Label Studio webhook"),
    WEBHOOK_BACKLOG_FULL("webhook-backlog-full", HttpStatus.SERVICE_UNAVAILABLE, "Webhook backlog full"),
    INVALID_IMAGE_LINK("invalid-image-link", HttpStatus.FORBIDDEN, "Invalid image link"),
    UNKNOWN_IMAGE("unknown-image", HttpStatus.NOT_FOUND, "Unknown image"),

    // Generic kinds, for errors Spring or the container report (see forStatus).
    BAD_REQUEST("bad-request", HttpStatus.BAD_REQUEST, "Bad request"),
    NOT_FOUND("not-found", HttpStatus.NOT_FOUND, "Not found"),
    METHOD_NOT_ALLOWED("method-not-allowed", HttpStatus.METHOD_NOT_ALLOWED, "Method not allowed"),
    NOT_ACCEPTABLE("not-acceptable", HttpStatus.NOT_ACCEPTABLE, "Response format not available"),
    INTERNAL_ERROR("internal-error", HttpStatus.INTERNAL_SERVER_ERROR, "Internal error"),
    SERVICE_UNAVAILABLE("service-unavailable", HttpStatus.SERVICE_UNAVAILABLE, "Service unavailable");

    private static final List<ProblemType> GENERIC =
            List.of(BAD_REQUEST, NOT_FOUND, METHOD_NOT_ALLOWED, NOT_ACCEPTABLE, INTERNAL_ERROR, SERVICE_UNAVAILABLE);

    private static final String BASE = "https://gourmetgram.io/loop/problems/";

    private final URI type;
    private final HttpStatus status;
    private final String title;

    ProblemType(String slug, HttpStatus status, String title) {
        this.type = URI.create(BASE + slug);
        this.status = status;
        this.title = title;
    }

    public HttpStatus status() {
        return status;
    }

    public URI type() {
        return type;
    }

    public String title() {
        return title;
    }

    /** The generic kind for a status, for problems that arrive without a type of their own. */
    public static Optional<ProblemType> forStatus(int status) {
        return GENERIC.stream().filter(t -> t.status.value() == status).findFirst();
    }

    public ProblemDetail detail(String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(type);
        problem.setTitle(title);
        return problem;
    }

    /** This problem as a ready answer, for controllers that return rather than throw. */
    public ResponseEntity<ProblemDetail> response(String detail) {
        return ResponseEntity.status(status)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(detail(detail));
    }
}
