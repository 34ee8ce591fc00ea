package io.gourmetgram.loop.ingest.upload;

import io.gourmetgram.loop.events.Prediction;
import io.gourmetgram.loop.events.Upload;
import io.gourmetgram.loop.ingest.config.IngestProperties;
import io.gourmetgram.loop.ingest.problem.ApiProblem;
import io.gourmetgram.loop.ingest.problem.TooLargeException;
import io.gourmetgram.loop.ingest.view.UploadStatus;
import io.gourmetgram.loop.ingest.view.UploadView;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.async.DeferredResult;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/** {@code /api/uploads}: accept a photo; tell its status and prediction, now, after a wait, or as an event stream. */
@RestController
@RequestMapping("/api/uploads")
public class UploadController {

    private final UploadService uploads;
    private final UploadView view;
    private final IngestProperties properties;

    public UploadController(UploadService uploads, UploadView view, IngestProperties properties) {
        this.uploads = uploads;
        this.view = view;
        this.properties = properties;
    }

    /** The answer to an accepted upload. */
    public record UploadAccepted(String uploadId, String statusUrl, String eventsUrl, String feedbackToken) {
    }

    /** Multipart form upload, field {@code file} (what the seed's Flask form posts). */
    @PostMapping(consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    public ResponseEntity<UploadAccepted> uploadForm(@RequestPart(name = "file", required = false) MultipartFile file)
            throws IOException {
        if (file == null) {
            throw uploads.rejected("no_file_field", new ApiProblem(HttpStatus.BAD_REQUEST, "No photo",
                    "The form has no field named 'file'. Send the photo as multipart field 'file'."));
        }
        return accepted(uploads.accept(file.getBytes()));
    }

    /** Raw body upload (e.g. {@code curl --data-binary @photo.jpg -H 'Content-Type: image/jpeg'}). */
    @PostMapping
    public ResponseEntity<UploadAccepted> uploadRaw(HttpServletRequest request) throws IOException {
        return accepted(uploads.accept(readBounded(request)));
    }

    @GetMapping("/{id}")
    public DeferredResult<ResponseEntity<UploadStatusResponse>> status(@PathVariable String id,
                                                             @RequestParam(required = false) String wait) {
        Duration timeout = WaitParameter.parse(wait, properties.maxWait());
        UploadStatus known = view.find(id).orElseThrow(() -> ApiProblem.notFound(id));
        DeferredResult<ResponseEntity<UploadStatusResponse>> result =
                new DeferredResult<>(Math.max(1, timeout.toMillis()), () -> ResponseEntity.ok(UploadStatusResponse.of(known)));
        if (known.predicted() || timeout.isZero()) {
            result.setResult(ResponseEntity.ok(UploadStatusResponse.of(known)));
            return result;
        }
        Runnable cancel = view.whenPredicted(id, status -> result.setResult(ResponseEntity.ok(UploadStatusResponse.of(status))));
        result.onCompletion(cancel);
        result.onTimeout(() -> result.setResult(ResponseEntity.ok(UploadStatusResponse.of(view.find(id).orElse(known)))));
        return result;
    }

    /** Server-sent events: one {@code prediction} event as soon as the prediction exists, then the stream ends. */
    @GetMapping(path = "/{id}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    public SseEmitter events(@PathVariable String id) {
        view.find(id).orElseThrow(() -> ApiProblem.notFound(id));
        SseEmitter emitter = new SseEmitter(properties.maxWait().multipliedBy(4).toMillis());
        Runnable cancel = view.whenPredicted(id, status -> {
            try {
                emitter.send(SseEmitter.event().name("prediction").data(UploadStatusResponse.of(status), MediaType.APPLICATION_JSON));
                emitter.complete();
            } catch (IOException | IllegalStateException e) {
                emitter.completeWithError(e);
            }
        });
        emitter.onCompletion(cancel);
        emitter.onTimeout(cancel);
        return emitter;
    }

    private ResponseEntity<UploadAccepted> accepted(UploadService.Accepted accepted) {
        String id = accepted.upload().uploadId();
        URI status = URI.create("/api/uploads/" + id);
        return ResponseEntity.status(HttpStatus.ACCEPTED).location(status)
                .body(new UploadAccepted(id, status.toString(), status + "/events", accepted.feedbackToken()));
    }

    /** Reads at most the size limit plus one byte, so an oversized raw body is refused without buffering it. */
    private byte[] readBounded(HttpServletRequest request) throws IOException {
        long limit = properties.maxUploadSize().toBytes();
        if (request.getContentLengthLong() > limit) {
            throw new TooLargeException(properties.maxUploadSize());
        }
        try (InputStream in = request.getInputStream()) {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
            if (bytes.length > limit) {
                throw new TooLargeException(properties.maxUploadSize());
            }
            return bytes;
        }
    }

    /**
     * What GET answers: the upload (without its token hash) and, once known, its prediction.
     *
     * @param status {@code pending} until the prediction exists, then {@code predicted}
     */
    public record UploadStatusResponse(String uploadId, String status, UploadSummary upload, Prediction prediction) {

        static UploadStatusResponse of(UploadStatus s) {
            Upload u = s.upload();
            return new UploadStatusResponse(u.uploadId(), s.predicted() ? "predicted" : "pending",
                    new UploadSummary(u.contentType(), u.byteSize(), u.width(), u.height(), u.sha256(), u.uploadedAt()),
                    s.prediction());
        }
    }

    public record UploadSummary(String contentType, long byteSize, int width, int height, String sha256,
                                Instant uploadedAt) {
    }
}
