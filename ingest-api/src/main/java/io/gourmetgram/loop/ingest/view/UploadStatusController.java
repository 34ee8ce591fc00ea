package io.gourmetgram.loop.ingest.view;

import io.gourmetgram.loop.support.problem.ApiProblem;
import io.gourmetgram.loop.support.problem.ProblemType;
import java.io.IOException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.async.DeferredResult;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Answers "what became of my upload?" from the local view: now, after waiting for the prediction
 * ({@code ?wait=}), or as a server-sent event stream. Waiting never holds a servlet thread.
 */
@RestController
class UploadStatusController {

    private static final Logger log = LoggerFactory.getLogger(UploadStatusController.class);

    private final UploadView view;
    private final ViewProperties properties;

    UploadStatusController(UploadView view, ViewProperties properties) {
        this.view = view;
        this.properties = properties;
    }

    @GetMapping("/api/uploads/{id}")
    DeferredResult<UploadStatus> status(@PathVariable String id, @RequestParam(required = false) String wait) {
        KnownUpload known = find(id);
        Duration timeout = wait == null ? Duration.ZERO : WaitTime.parse(wait, properties.maxWait());
        DeferredResult<UploadStatus> result;
        if (timeout.isZero() || known.prediction() != null) {
            result = new DeferredResult<>();
            result.setResult(UploadStatus.of(known));
            return result;
        }
        // On timeout the client gets the upload as it stands (still awaiting its prediction), not an error.
        result = new DeferredResult<>(timeout.toMillis(), () -> UploadStatus.of(known));
        UploadView.Subscription subscription = view.onPrediction(
                id, prediction -> result.setResult(UploadStatus.of(known.withPrediction(prediction))));
        result.onCompletion(subscription::cancel);
        return result;
    }

    /**
     * Sends {@code upload} (the status now), then {@code prediction} as soon as it exists, then ends the
     * stream. A client whose stream times out before the prediction simply reconnects.
     */
    @GetMapping("/api/uploads/{id}/events")
    SseEmitter events(@PathVariable String id) throws IOException {
        KnownUpload known = find(id);
        SseEmitter emitter = new SseEmitter(properties.eventsTimeout().toMillis());
        emitter.send(SseEmitter.event().name("upload").data(UploadStatus.of(known), MediaType.APPLICATION_JSON));
        UploadView.Subscription subscription = view.onPrediction(id, prediction -> {
            try {
                emitter.send(SseEmitter.event()
                        .name("prediction")
                        .id(id)
                        .data(UploadStatus.of(known.withPrediction(prediction)), MediaType.APPLICATION_JSON));
                emitter.complete();
            } catch (IOException | IllegalStateException e) {
                log.debug("Client of {} left before its prediction could be sent: {}", id, e.getMessage());
            }
        });
        emitter.onCompletion(subscription::cancel);
        emitter.onTimeout(emitter::complete);
        emitter.onError(e -> subscription.cancel());
        return emitter;
    }

    private KnownUpload find(String id) {
        return view.find(id)
                .orElseThrow(() -> new ApiProblem(
                                ProblemType.UPLOAD_NOT_FOUND,
                                "No upload with id " + id
                                        + " is known here. Upload ids are returned by POST /api/uploads;"
                                        + " uploads older than the view's horizon ("
                                        + properties.horizon().toHours() + " h) are forgotten.")
                        .with("uploadId", id));
    }
}
