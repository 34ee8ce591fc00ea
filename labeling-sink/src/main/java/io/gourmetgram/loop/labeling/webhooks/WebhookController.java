package io.gourmetgram.loop.labeling.webhooks;

import io.gourmetgram.loop.labeling.annotations.AnnotationLedger;
import io.gourmetgram.loop.labeling.config.LabelingProperties;
import io.gourmetgram.loop.support.problem.ProblemType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * Label Studio's webhooks: ANNOTATION_CREATED / ANNOTATION_UPDATED ({@code {action, annotation,
 * task, project}}) and ANNOTATIONS_DELETED ({@code {action, annotations: [{id}], project}}).
 * Label Studio sends the secret header we registered; it does not sign or retry, so the
 * reconciliation pass picks up anything missed.
 */
@RestController
public class WebhookController {

    public static final String SECRET_HEADER = "X-GourmetGram-Webhook-Secret";
    public static final String PATH = "/webhooks/label-studio";
    private static final Logger log = LoggerFactory.getLogger(WebhookController.class);

    private final LabelingProperties properties;
    private final AnnotationLedger ledger;

    public WebhookController(LabelingProperties properties, AnnotationLedger ledger) {
        this.properties = properties;
        this.ledger = ledger;
    }

    @PostMapping(PATH)
    public ResponseEntity<?> receive(@RequestHeader(name = SECRET_HEADER, required = false) String secret,
                                     @RequestBody JsonNode payload) {
        if (!authentic(secret)) {
            log.warn("Rejected a webhook call without the right {} header (action {})", SECRET_HEADER,
                    payload.path("action").asString("?"));
            return ProblemType.WEBHOOK_UNAUTHORIZED.response("Missing or wrong " + SECRET_HEADER + " header.");
        }
        String action = payload.path("action").asString("");
        switch (action) {
            case "ANNOTATION_CREATED", "ANNOTATION_UPDATED" ->
                    ledger.publish(payload.path("task"), payload.path("annotation"), action.equals("ANNOTATION_CREATED"));
            case "ANNOTATIONS_DELETED" -> payload.path("annotations").forEach(a -> ledger.publishDeletion(a.path("id").asLong()));
            default -> log.debug("Ignoring webhook action {}", action);
        }
        return ResponseEntity.ok().build();
    }

    private boolean authentic(String secret) {
        String expected = properties.webhookSecret();
        return secret != null && expected != null && !expected.isBlank()
                && MessageDigest.isEqual(secret.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8));
    }
}
