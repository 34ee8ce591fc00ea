package io.gourmetgram.loop.labeling.webhooks;

import io.gourmetgram.loop.labeling.annotations.AnnotationLedger;
import io.gourmetgram.loop.labeling.config.LabelingProperties;
import io.gourmetgram.loop.labeling.labelstudio.WebhookEvent;
import io.gourmetgram.loop.support.problem.ProblemType;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * Label Studio's webhooks. Label Studio posts each delivery once, synchronously (inside the
 * annotator's save), with a short timeout, and never retries; newer versions disable a webhook
 * after repeated failures. So this answers fast: check the secret header (before reading the
 * body), read at most {@code webhook-max-bytes}, parse, hand the event to a single worker that
 * publishes to Kafka, and return 200. Anything that goes wrong later is found by reconciliation.
 */
@RestController
public class WebhookController implements DisposableBean {

    public static final String SECRET_HEADER = "X-GourmetGram-Webhook-Secret";
    public static final String PATH = "/webhooks/label-studio";
    private static final Logger log = LoggerFactory.getLogger(WebhookController.class);

    private final LabelingProperties properties;
    private final AnnotationLedger ledger;
    private final MeterRegistry meters;
    private final ThreadPoolExecutor worker = new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(10_000),
            Thread.ofPlatform().name("webhook-events").factory());

    public WebhookController(LabelingProperties properties, AnnotationLedger ledger, MeterRegistry meters) {
        this.properties = properties;
        this.ledger = ledger;
        this.meters = meters;
    }

    @PostMapping(PATH)
    public ResponseEntity<?> receive(
            @RequestHeader(name = SECRET_HEADER, required = false) String secret, HttpServletRequest request)
            throws IOException {
        if (!authentic(secret)) {
            log.warn(
                    "Rejected a webhook call without the right {} header from {}",
                    SECRET_HEADER,
                    request.getRemoteAddr());
            return reject(
                    "unauthorized", ProblemType.WEBHOOK_UNAUTHORIZED, "Missing or wrong " + SECRET_HEADER + " header.");
        }
        int limit = properties.webhookMaxBytes();
        if (request.getContentLengthLong() > limit) {
            return tooLarge(limit);
        }
        byte[] body;
        try (InputStream in = request.getInputStream()) {
            body = in.readNBytes(limit + 1);
        }
        if (body.length > limit) {
            return tooLarge(limit);
        }
        WebhookEvent event;
        try {
            event = WebhookEvent.parse(body);
        } catch (IllegalArgumentException e) {
            return reject(
                    "malformed",
                    ProblemType.MALFORMED_WEBHOOK,
                    "Not a Label Studio webhook payload: " + e.getMessage());
        }
        meters.counter("gourmetgram.labeling.webhooks.received", "action", event.action())
                .increment();
        try {
            worker.execute(() -> handle(event));
        } catch (RejectedExecutionException e) {
            return reject(
                    "busy",
                    ProblemType.WEBHOOK_BACKLOG_FULL,
                    "Too many webhook events waiting for Kafka; reconciliation will pick this one up.");
        }
        return ResponseEntity.ok().build();
    }

    private void handle(WebhookEvent event) {
        try {
            switch (event) {
                case WebhookEvent.AnnotationSaved saved -> ledger.publish(saved.task(), saved.annotation());
                case WebhookEvent.AnnotationsDeleted deleted ->
                    deleted.annotationIds().forEach(ledger::retract);
                case WebhookEvent.TasksDeleted deleted -> deleted.taskIds().forEach(ledger::retractTask);
                case WebhookEvent.Other other -> log.debug("Ignoring webhook action {}", other.action());
            }
        } catch (RuntimeException e) {
            log.warn("Could not handle webhook {} ({}); reconciliation will pick it up", event.action(), e.toString());
        }
    }

    private ResponseEntity<ProblemDetail> tooLarge(int limit) {
        return reject(
                "too_large",
                ProblemType.WEBHOOK_TOO_LARGE,
                "Webhook bodies are limited to " + limit + " bytes (LABELING_WEBHOOK_MAX_BYTES).");
    }

    private ResponseEntity<ProblemDetail> reject(String reason, ProblemType type, String detail) {
        meters.counter("gourmetgram.labeling.webhooks.rejected", "reason", reason)
                .increment();
        return type.response(detail);
    }

    private boolean authentic(String secret) {
        String expected = properties.webhookSecret();
        return secret != null
                && expected != null
                && !expected.isBlank()
                && MessageDigest.isEqual(
                        secret.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void destroy() throws InterruptedException {
        worker.shutdown();
        worker.awaitTermination(10, TimeUnit.SECONDS);
    }
}
