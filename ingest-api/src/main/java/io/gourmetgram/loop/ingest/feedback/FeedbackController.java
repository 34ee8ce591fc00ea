package io.gourmetgram.loop.ingest.feedback;

import io.gourmetgram.loop.events.ClientInfo;
import io.gourmetgram.loop.events.EventJson;
import io.gourmetgram.loop.events.Feedback;
import io.gourmetgram.loop.events.FeedbackKind;
import io.gourmetgram.loop.events.topics.Topics;
import io.gourmetgram.loop.ingest.kafka.EventPublisher;
import io.gourmetgram.loop.ingest.problem.ApiProblem;
import io.gourmetgram.loop.ingest.view.UploadStatus;
import io.gourmetgram.loop.ingest.view.UploadView;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;

/**
 * The uploader's verdict on a prediction: "this is wrong" (flag) or "it is X" (correction), each
 * authorized by the upload's feedback token and published as a {@code feedback} event.
 */
@RestController
public class FeedbackController {

    static final String TOKEN_HEADER = "X-Feedback-Token";
    private static final int MAX_BODY_CHARS = 1024;

    private final UploadView view;
    private final ModelLabels labels;
    private final EventPublisher publisher;
    private final MeterRegistry registry;
    private final Clock clock = Clock.systemUTC();

    public FeedbackController(UploadView view, ModelLabels labels, EventPublisher publisher, MeterRegistry registry) {
        this.view = view;
        this.labels = labels;
        this.publisher = publisher;
        this.registry = registry;
    }

    public record Correction(String label) {
    }

    public record FeedbackAccepted(String uploadId, String kind, String label) {
    }

    @GetMapping("/api/labels")
    public List<String> labels() {
        return labels.all();
    }

    @PostMapping("/api/uploads/{id}/flag")
    public ResponseEntity<FeedbackAccepted> flag(@PathVariable String id,
                                                 @RequestHeader(name = TOKEN_HEADER, required = false) String token,
                                                 HttpServletRequest request) {
        authorize(id, token);
        return publish(new Feedback(id, FeedbackKind.FLAG, null, clock.instant(), client(request)));
    }

    @PostMapping("/api/uploads/{id}/correction")
    public ResponseEntity<FeedbackAccepted> correct(@PathVariable String id,
                                                    @RequestHeader(name = TOKEN_HEADER, required = false) String token,
                                                    @RequestBody(required = false) String body,
                                                    HttpServletRequest request) {
        authorize(id, token);
        String label = parseLabel(body);
        if (!labels.contains(label)) {
            throw rejected("unknown_label", new ApiProblem(HttpStatus.UNPROCESSABLE_CONTENT, "Unknown label",
                    "'" + label + "' is not one of the model's labels: " + String.join(", ", labels.all()) + ".",
                    Map.of("validLabels", labels.all())));
        }
        return publish(new Feedback(id, FeedbackKind.CORRECTION, label, clock.instant(), client(request)));
    }

    private void authorize(String uploadId, String token) {
        if (token == null || token.isBlank()) {
            throw rejected("missing_token", new ApiProblem(HttpStatus.FORBIDDEN, "Feedback token required",
                    "Send the feedbackToken you received when uploading, in the " + TOKEN_HEADER + " header."));
        }
        UploadStatus status = view.find(uploadId).orElse(null);
        if (status == null) {
            throw rejected("unknown_upload", ApiProblem.notFound(uploadId));
        }
        if (!FeedbackToken.matches(token, status.upload().feedbackTokenSha256())) {
            throw rejected("wrong_token", new ApiProblem(HttpStatus.FORBIDDEN, "Wrong feedback token",
                    "This feedback token does not belong to upload '" + uploadId + "'."));
        }
    }

    private String parseLabel(String body) {
        if (body == null || body.isBlank()) {
            throw rejected("malformed", new ApiProblem(HttpStatus.BAD_REQUEST, "Missing correction",
                    "Send a JSON body like {\"label\": \"Rice\"}."));
        }
        if (body.length() > MAX_BODY_CHARS) {
            throw rejected("too_long", new ApiProblem(HttpStatus.BAD_REQUEST, "Correction too long",
                    "The body has " + body.length() + " characters; a correction is at most " + MAX_BODY_CHARS + "."));
        }
        try {
            Correction correction = EventJson.mapper().readValue(body, Correction.class);
            if (correction == null || correction.label() == null || correction.label().isBlank()) {
                throw new IllegalArgumentException("no label");
            }
            return correction.label();
        } catch (JacksonException | IllegalArgumentException e) {
            throw rejected("malformed", new ApiProblem(HttpStatus.BAD_REQUEST, "Malformed correction",
                    "Send a JSON body like {\"label\": \"Rice\"}."));
        }
    }

    private ResponseEntity<FeedbackAccepted> publish(Feedback feedback) {
        try {
            publisher.publish(Topics.FEEDBACK, feedback.uploadId(), feedback);
        } catch (EventPublisher.PublishFailedException e) {
            throw rejected("kafka_unavailable", new ApiProblem(HttpStatus.SERVICE_UNAVAILABLE, "Feedback queue unavailable",
                    "We could not record your feedback right now; please try again in a moment."));
        }
        Counter.builder("gourmetgram.ingest.feedback.accepted").tag("kind", feedback.kind().name().toLowerCase())
                .description("Feedback calls accepted").register(registry).increment();
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(new FeedbackAccepted(feedback.uploadId(),
                feedback.kind().name().toLowerCase(), feedback.correctedLabel()));
    }

    private ApiProblem rejected(String reason, ApiProblem problem) {
        Counter.builder("gourmetgram.ingest.feedback.rejected").tag("reason", reason)
                .description("Feedback calls refused, by reason").register(registry).increment();
        return problem;
    }

    private static ClientInfo client(HttpServletRequest request) {
        return new ClientInfo(request.getHeader("User-Agent"), request.getRemoteAddr());
    }
}
