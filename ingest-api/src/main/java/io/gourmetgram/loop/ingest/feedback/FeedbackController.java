package io.gourmetgram.loop.ingest.feedback;

import io.gourmetgram.loop.events.ClientInfo;
import io.gourmetgram.loop.events.CorrectionPicker;
import io.gourmetgram.loop.events.Feedback;
import io.gourmetgram.loop.events.FeedbackKind;
import io.gourmetgram.loop.events.Upload;
import io.gourmetgram.loop.events.topics.Topics;
import io.gourmetgram.loop.ingest.view.KnownUpload;
import io.gourmetgram.loop.ingest.view.UploadView;
import io.gourmetgram.loop.support.kafka.EventNotPublishedException;
import io.gourmetgram.loop.support.kafka.EventPublisher;
import io.gourmetgram.loop.support.labels.ModelLabels;
import io.gourmetgram.loop.support.problem.ApiProblem;
import io.gourmetgram.loop.support.problem.ProblemType;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The uploader's verdict on a prediction: "this is wrong" (flag), "this is X" (correction) or "this is right"
 * (confirmation).
 * Authorized by the upload's feedback token; every accepted call becomes one {@code Feedback} event.
 */
@RestController
class FeedbackController {

    static final String TOKEN_HEADER = "X-Feedback-Token";
    private static final Logger log = LoggerFactory.getLogger(FeedbackController.class);
    private static final int MAX_USER_AGENT = 256;
    private static final int MAX_INPUT_METHOD = 32;

    private final UploadView view;
    private final ModelLabels labels;
    private final EventPublisher publisher;
    private final JsonMapper json;
    private final FeedbackProperties properties;
    private final Clock clock;
    private final MeterRegistry meters;
    private final FeedbackQuota quota;

    FeedbackController(
            UploadView view,
            ModelLabels labels,
            EventPublisher publisher,
            JsonMapper json,
            FeedbackProperties properties,
            Clock clock,
            MeterRegistry meters) {
        this.quota = new FeedbackQuota(
                properties.perClientLimit(), properties.perUploadLimit(), properties.rateWindow(), clock);
        this.view = view;
        this.labels = labels;
        this.publisher = publisher;
        this.json = json;
        this.properties = properties;
        this.clock = clock;
        this.meters = meters;
    }

    /** Body optional; if present it must be a JSON object (its content is not used). */
    @PostMapping("/api/uploads/{id}/flag")
    ResponseEntity<FeedbackReceipt> flag(
            @PathVariable String id,
            @RequestHeader(name = TOKEN_HEADER, required = false) String token,
            HttpServletRequest request)
            throws IOException {
        return record(FeedbackKind.FLAG, id, token, request);
    }

    /** Body {@code {"label": "<one of GET /api/labels>"}}. */
    @PostMapping("/api/uploads/{id}/correction")
    ResponseEntity<FeedbackReceipt> correct(
            @PathVariable String id,
            @RequestHeader(name = TOKEN_HEADER, required = false) String token,
            HttpServletRequest request)
            throws IOException {
        return record(FeedbackKind.CORRECTION, id, token, request);
    }

    /** Body optional, like a flag. Not a reason for review: it measures how reliable users' confirmations are. */
    @PostMapping("/api/uploads/{id}/confirm")
    ResponseEntity<FeedbackReceipt> confirm(
            @PathVariable String id,
            @RequestHeader(name = TOKEN_HEADER, required = false) String token,
            HttpServletRequest request)
            throws IOException {
        return record(FeedbackKind.CONFIRMATION, id, token, request);
    }

    private ResponseEntity<FeedbackReceipt> record(
            FeedbackKind kind, String id, String token, HttpServletRequest request) throws IOException {
        try {
            quota.chargeClient(request.getRemoteAddr());
            authorize(id, token);
            quota.chargeUpload(id);
            JsonNode body = readBody(kind, request);
            String label = kind == FeedbackKind.CORRECTION ? labelOf(body) : null;
            CorrectionPicker picker = kind == FeedbackKind.CORRECTION ? pickerOf(body) : null;
            Feedback feedback = new Feedback(id, kind, label, clock.instant(), clientOf(request), picker);
            publish(feedback);
            count(kind, "accepted", "none");
            log.info("Recorded {} for upload {}{}", kind, id, label == null ? "" : " (label " + label + ")");
            return ResponseEntity.accepted().body(new FeedbackReceipt(id, kind, label, feedback.at()));
        } catch (ApiProblem problem) {
            count(kind, "rejected", problem.problemType().name().toLowerCase(Locale.ROOT));
            throw problem;
        }
    }

    private void authorize(String id, String token) {
        Upload upload = view.find(id)
                .map(KnownUpload::upload)
                .orElseThrow(() -> new ApiProblem(
                                ProblemType.UPLOAD_NOT_FOUND,
                                "No upload with id " + id + " is known here, so there is nothing to give feedback on.")
                        .with("uploadId", id));
        if (token == null || token.isBlank()) {
            throw new ApiProblem(
                    ProblemType.FEEDBACK_FORBIDDEN,
                    "Send the feedback token you received with the upload" + " in the " + TOKEN_HEADER + " header.");
        }
        if (!FeedbackToken.matches(token, upload.feedbackTokenSha256())) {
            throw new ApiProblem(
                    ProblemType.FEEDBACK_FORBIDDEN,
                    "The " + TOKEN_HEADER + " header does not match this"
                            + " upload's feedback token. Only the person who uploaded the photo can give feedback on it.");
        }
    }

    /** The JSON object sent, or null for an empty body where one is optional; read with a hard size limit. */
    private JsonNode readBody(FeedbackKind kind, HttpServletRequest request) throws IOException {
        int max = Math.toIntExact(properties.maxBodySize().toBytes());
        byte[] body;
        try (InputStream in = request.getInputStream()) {
            body = in.readNBytes(max + 1);
        }
        if (body.length > max) {
            throw malformed(
                    "The body is longer than " + max + " bytes; feedback is a JSON object like {\"label\": \"Soup\"}.");
        }
        if (kind != FeedbackKind.CORRECTION && body.length == 0) {
            return null;
        }
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (JacksonException e) {
            throw malformed("The body is not valid JSON (" + e.getOriginalMessage() + "). Send {\"label\": \"Soup\"}.");
        }
        if (root == null || !root.isObject()) {
            throw malformed("The body must be a JSON object such as {\"label\": \"Soup\"}.");
        }
        return root;
    }

    private String labelOf(JsonNode body) {
        JsonNode label = body.get("label");
        if (label == null || !label.isString() || label.asString().isBlank()) {
            throw malformed("A correction needs a \"label\" string, e.g. {\"label\": \"Soup\"}.");
        }
        requireKnown(label.asString());
        return label.asString();
    }

    /**
     * Optional {@code "picker": {"inputMethod": "shuffled_list", "labelsShown": [...]}}: how the page offered the
     * classes, recorded so analysts can check for position bias. Only known labels, each at most once.
     */
    private CorrectionPicker pickerOf(JsonNode body) {
        JsonNode picker = body.get("picker");
        if (picker == null || picker.isNull()) {
            return null;
        }
        JsonNode method = picker.get("inputMethod");
        JsonNode shown = picker.get("labelsShown");
        if (!picker.isObject()
                || method == null
                || !method.isString()
                || method.asString().isBlank()
                || method.asString().length() > MAX_INPUT_METHOD
                || (shown != null && !shown.isArray())) {
            throw malformed(
                    "\"picker\" must be like {\"inputMethod\": \"shuffled_list\", \"labelsShown\": [\"Soup\", …]}.");
        }
        List<String> order = new ArrayList<>();
        if (shown != null) {
            for (JsonNode item : shown) {
                if (!item.isString() || order.contains(item.asString())) {
                    throw malformed("\"picker.labelsShown\" must list each class shown once, as strings.");
                }
                requireKnown(item.asString());
                order.add(item.asString());
            }
        }
        return new CorrectionPicker(method.asString(), order);
    }

    private void requireKnown(String label) {
        if (!labels.contains(label)) {
            throw new ApiProblem(
                            ProblemType.UNKNOWN_LABEL,
                            "\"" + label + "\" is not one of the model's labels." + " Valid labels: "
                                    + String.join(", ", labels.labels()) + ".")
                    .with("validLabels", labels.labels());
        }
    }

    private void publish(Feedback feedback) {
        try {
            publisher.publish(Topics.FEEDBACK, feedback.uploadId(), feedback);
        } catch (EventNotPublishedException e) {
            log.warn("Refusing {} for upload {}: {}", feedback.kind(), feedback.uploadId(), e.getMessage());
            throw new ApiProblem(
                            ProblemType.EVENT_LOG_UNAVAILABLE,
                            "Your feedback could not be recorded right now; please try again in a moment.",
                            e)
                    .retryAfterSeconds(5);
        }
    }

    private static ClientInfo clientOf(HttpServletRequest request) {
        String agent = request.getHeader(HttpHeaders.USER_AGENT);
        if (agent != null && agent.length() > MAX_USER_AGENT) {
            agent = agent.substring(0, MAX_USER_AGENT);
        }
        return new ClientInfo(agent, request.getRemoteAddr());
    }

    private static ApiProblem malformed(String detail) {
        return new ApiProblem(ProblemType.MALFORMED_FEEDBACK, detail);
    }

    private void count(FeedbackKind kind, String outcome, String reason) {
        meters.counter(
                        "gourmetgram.ingest.feedback",
                        "kind",
                        kind.name().toLowerCase(Locale.ROOT),
                        "outcome",
                        outcome,
                        "reason",
                        reason)
                .increment();
    }
}
