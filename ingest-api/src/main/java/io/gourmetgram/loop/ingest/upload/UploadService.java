package io.gourmetgram.loop.ingest.upload;

import io.gourmetgram.loop.events.ObjectRef;
import io.gourmetgram.loop.events.Upload;
import io.gourmetgram.loop.events.topics.Topics;
import io.gourmetgram.loop.ingest.config.IngestProperties;
import io.gourmetgram.loop.ingest.feedback.FeedbackToken;
import io.gourmetgram.loop.ingest.kafka.EventPublisher;
import io.gourmetgram.loop.ingest.problem.ApiProblem;
import io.gourmetgram.loop.ingest.storage.PhotoStore;
import io.gourmetgram.loop.ingest.storage.StoreUnavailableException;
import io.gourmetgram.loop.ingest.view.UploadView;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

/**
 * Accepting a photo: validate it, store it, then publish its {@code uploads} event. The order and
 * the compensation are the point: an event never exists without its object, and an object whose
 * event could not be published is deleted (or logged as an orphan if even that fails).
 */
@Service
public class UploadService {

    private static final Logger log = LoggerFactory.getLogger(UploadService.class);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy/MM/dd").withZone(ZoneOffset.UTC);

    private final PhotoStore store;
    private final EventPublisher publisher;
    private final UploadView view;
    private final IngestProperties properties;
    private final Clock clock;
    private final MeterRegistry registry;
    private final Timer storeTimer;
    private final Timer publishTimer;

    public UploadService(PhotoStore store, EventPublisher publisher, UploadView view, IngestProperties properties,
                         MeterRegistry registry) {
        this.store = store;
        this.publisher = publisher;
        this.view = view;
        this.properties = properties;
        this.clock = Clock.systemUTC();
        this.registry = registry;
        this.storeTimer = Timer.builder("gourmetgram.ingest.store").description("Writing a photo to S3").register(registry);
        this.publishTimer = Timer.builder("gourmetgram.ingest.publish").description("Publishing an upload event").register(registry);
    }

    /** The upload as accepted, and the feedback token only its uploader ever sees. */
    public record Accepted(Upload upload, String feedbackToken) {
    }

    public Accepted accept(byte[] bytes) {
        if (bytes.length == 0) {
            throw rejected("empty", new ApiProblem(HttpStatus.BAD_REQUEST, "No photo",
                    "The request carried no image bytes. Send the photo as multipart field 'file' or as the raw body."));
        }
        ImageFormat format = ImageFormat.detect(bytes).orElseThrow(() -> rejected("unsupported_type",
                new ApiProblem(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Not a supported image",
                        "The file is not a JPEG, PNG or WebP image (checked from its content, not its name or declared type).",
                        Map.of("supportedTypes", java.util.List.of("image/jpeg", "image/png", "image/webp")))));
        ImageHeader.Dimensions size = ImageHeader.read(bytes).orElseThrow(() -> rejected("unreadable",
                new ApiProblem(HttpStatus.UNPROCESSABLE_CONTENT, "Unreadable image",
                        "The file starts like a " + format + " image but its header cannot be read; it may be truncated or corrupt.")));
        if (size.pixels() > properties.maxPixels()) {
            throw rejected("too_many_pixels", new ApiProblem(HttpStatus.UNPROCESSABLE_CONTENT, "Image too large in pixels",
                    "The image is " + size.width() + " × " + size.height() + " = " + size.pixels()
                            + " pixels; this service accepts at most " + properties.maxPixels() + ". Resize it and try again.",
                    Map.of("width", size.width(), "height", size.height(), "maxPixels", properties.maxPixels())));
        }

        String uploadId = UUID.randomUUID().toString();
        ObjectRef object = new ObjectRef(store.bucket(), DAY.format(clock.instant()) + "/" + uploadId + "." + format.extension());
        String token = FeedbackToken.generate();
        Upload upload = new Upload(uploadId, object, format.contentType(), bytes.length, sha256(bytes), size.width(),
                size.height(), FeedbackToken.sha256Hex(token), clock.instant());

        try {
            storeTimer.record(() -> store.put(object, bytes, format.contentType()));
        } catch (StoreUnavailableException e) {
            log.warn("Upload {} refused: object store unavailable ({})", uploadId, e.getMessage());
            throw rejected("store_unavailable", new ApiProblem(HttpStatus.SERVICE_UNAVAILABLE, "Photo storage unavailable",
                    "We could not store your photo right now. Nothing was saved; please try again in a moment."));
        }
        try {
            publishTimer.record(() -> publisher.publish(Topics.UPLOADS, uploadId, upload));
        } catch (EventPublisher.PublishFailedException e) {
            boolean deleted = store.delete(object);
            Counter.builder("gourmetgram.ingest.orphans").tag("deleted", Boolean.toString(deleted))
                    .description("Objects stored for uploads whose event could not be published").register(registry).increment();
            log.warn("Upload {} refused: {} (stored object {})", uploadId, e.getMessage(), deleted ? "deleted" : "ORPHANED");
            throw rejected("kafka_unavailable", new ApiProblem(HttpStatus.SERVICE_UNAVAILABLE, "Upload queue unavailable",
                    "We could not queue your photo for classification right now. Nothing was kept; please try again in a moment."));
        }
        view.recordUpload(upload);
        Counter.builder("gourmetgram.ingest.uploads.accepted").tag("type", format.extension())
                .description("Photos accepted").register(registry).increment();
        log.info("Accepted upload {} ({}, {} bytes, {}×{}) as s3://{}/{}", uploadId, format.contentType(), bytes.length,
                size.width(), size.height(), object.bucket(), object.key());
        return new Accepted(upload, token);
    }

    /** Counts a refusal by reason; the same counter serves the size limit enforced before bytes reach us. */
    public ApiProblem rejected(String reason, ApiProblem problem) {
        Counter.builder("gourmetgram.ingest.uploads.rejected").tag("reason", reason)
                .description("Uploads refused, by reason").register(registry).increment();
        return problem;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
