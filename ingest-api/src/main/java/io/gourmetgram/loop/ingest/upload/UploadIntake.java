package io.gourmetgram.loop.ingest.upload;

import io.gourmetgram.loop.events.ObjectRef;
import io.gourmetgram.loop.events.Upload;
import io.gourmetgram.loop.events.topics.Topics;
import io.gourmetgram.loop.ingest.feedback.FeedbackToken;
import io.gourmetgram.loop.ingest.image.ImageInspector;
import io.gourmetgram.loop.ingest.image.InspectedImage;
import io.gourmetgram.loop.ingest.storage.ObjectStore;
import io.gourmetgram.loop.ingest.storage.ObjectStoreException;
import io.gourmetgram.loop.ingest.view.UploadView;
import io.gourmetgram.loop.support.kafka.EventNotPublishedException;
import io.gourmetgram.loop.support.kafka.EventPublisher;
import io.gourmetgram.loop.support.problem.ApiProblem;
import io.gourmetgram.loop.support.problem.ProblemType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Accepts a photo: checks it, stores its bytes, then publishes its {@code Upload} event. The order
 * is the guarantee: an event is only ever published for an object that exists, and when publishing
 * fails the object is deleted again, so a 503 leaves nothing behind.
 */
@Service
public class UploadIntake {

    private static final Logger log = LoggerFactory.getLogger(UploadIntake.class);
    private static final DateTimeFormatter KEY_DATE =
            DateTimeFormatter.ofPattern("yyyy/MM/dd").withZone(ZoneOffset.UTC);
    private static final long RETRY_AFTER_SECONDS = 5;
    private static final long BUSY_RETRY_AFTER_SECONDS = 2;
    private static final int READ_CHUNK = 64 * 1024;

    private final UploadLimits limits;
    private final ImageInspector inspector;
    private final ObjectStore store;
    private final EventPublisher publisher;
    private final UploadView view;
    private final Clock clock;
    private final MeterRegistry meters;
    private final Counter accepted;
    private final DistributionSummary acceptedBytes;
    private final Timer storeLatency;
    private final Timer publishLatency;
    private final InFlightBytes inFlight;

    public UploadIntake(
            UploadLimits limits,
            ObjectStore store,
            EventPublisher publisher,
            UploadView view,
            Clock clock,
            MeterRegistry meters) {
        this.limits = limits;
        this.inspector = new ImageInspector(limits.imageBounds());
        this.inFlight = new InFlightBytes(limits.maxInFlightBytes().toBytes());
        Gauge.builder("gourmetgram.ingest.uploads.in.flight.bytes", inFlight, InFlightBytes::reserved)
                .baseUnit("bytes")
                .description("Photo bytes reserved by uploads being read, checked or stored")
                .register(meters);
        this.store = store;
        this.publisher = publisher;
        this.view = view;
        this.clock = clock;
        this.meters = meters;
        this.accepted = Counter.builder("gourmetgram.ingest.uploads.accepted")
                .description("Photos stored and published")
                .register(meters);
        this.acceptedBytes = DistributionSummary.builder("gourmetgram.ingest.uploads.bytes")
                .baseUnit("bytes")
                .description("Size of accepted photos")
                .register(meters);
        this.storeLatency = Timer.builder("gourmetgram.ingest.uploads.store")
                .description("Time to write a photo to the object store")
                .register(meters);
        this.publishLatency = Timer.builder("gourmetgram.ingest.uploads.publish")
                .description("Time until Kafka acknowledged an Upload event")
                .register(meters);
    }

    /**
     * Reads and accepts a photo sent as the request body.
     *
     * @param declaredLength the length the client announced, or -1; used to refuse early without reading
     */
    public UploadReceipt accept(InputStream body, long declaredLength) {
        long max = limits.maxBytes().toBytes();
        return accept(declaredLength, max, body, bytes -> bytes);
    }

    /**
     * Reads a multipart form and accepts the photo in its field {@code file}.
     *
     * @param contentType the form's content type, which names its boundary
     * @param formLength the form's announced length, or -1; the form (photo and envelope) is what is held in memory
     */
    public UploadReceipt acceptForm(InputStream body, String contentType, long formLength) {
        return accept(formLength, limits.maxFormBytes(), body, form -> {
            byte[] photo = PhotoForm.of(contentType).part(form, FILE_FIELD);
            if (photo == null) {
                throw new ApiProblem(
                        ProblemType.NO_PHOTO,
                        "The multipart form has no part named '" + FILE_FIELD
                                + "'. Send the photo as the form field 'file' (curl -F file=@photo.jpg ...).");
            }
            return photo;
        });
    }

    /** The multipart form field that carries the photo (the seed's form). */
    public static final String FILE_FIELD = "file";

    /** What turns a request body into the photo's bytes. */
    @FunctionalInterface
    private interface PhotoOfBody {
        byte[] photo(byte[] body);
    }

    private UploadReceipt accept(long declaredLength, long maxDeclared, InputStream body, PhotoOfBody photoOf) {
        try {
            long max = limits.maxBytes().toBytes();
            if (declaredLength > maxDeclared) {
                throw tooLarge(declaredLength);
            }
            // An unannounced length may be anything up to the limit (one more byte tells us it is over).
            try (InFlightBytes.Reservation reservation =
                    reserve(declaredLength >= 0 ? declaredLength : maxDeclared + 1)) {
                byte[] received = readBody(body, declaredLength, maxDeclared + 1);
                if (received.length > maxDeclared) {
                    throw tooLarge(-1);
                }
                byte[] bytes = photoOf.photo(received);
                if (bytes.length > max) {
                    throw tooLarge(-1);
                }
                if (bytes.length == 0) {
                    throw new ApiProblem(
                            ProblemType.NO_PHOTO,
                            "The request body is empty. Send the photo as the multipart"
                                    + " form field 'file' (curl -F file=@photo.jpg) or as the raw body (curl --data-binary @photo.jpg"
                                    + " -H 'Content-Type: image/jpeg').");
                }
                return accept(bytes);
            }
        } catch (ApiProblem problem) {
            meters.counter(
                            "gourmetgram.ingest.uploads.rejected",
                            "reason",
                            problem.problemType().name().toLowerCase(Locale.ROOT))
                    .increment();
            throw problem;
        }
    }

    private InFlightBytes.Reservation reserve(long bytes) {
        InFlightBytes.Reservation reservation = inFlight.tryReserve(bytes);
        if (reservation == null) {
            throw new ApiProblem(
                            ProblemType.UPLOADS_BUSY,
                            "Too many photos are being uploaded right now. Nothing was"
                                    + " kept; please try again in a moment.")
                    .retryAfterSeconds(BUSY_RETRY_AFTER_SECONDS);
        }
        return reservation;
    }

    /**
     * Reads at most {@code limit} bytes within the body timeout. The container's connection timeout
     * ends a read that waits too long for the next packet; this deadline ends a sender that trickles.
     * An announced length is read straight into an array of that size (the container ends the body there);
     * an unannounced one grows the array as the bytes come.
     */
    private byte[] readBody(InputStream body, long declaredLength, long limit) {
        long deadline = clock.millis() + limits.bodyTimeout().toMillis();
        byte[] bytes = new byte[(int) Math.min(limit, declaredLength >= 0 ? declaredLength : READ_CHUNK)];
        int size = 0;
        try {
            while (size < limit) {
                if (size == bytes.length) {
                    if (declaredLength >= 0) {
                        break; // the container ends a body at its announced length
                    }
                    bytes = Arrays.copyOf(bytes, (int) Math.min(limit, (long) bytes.length * 2));
                }
                int n = body.read(bytes, size, bytes.length - size);
                if (n < 0) {
                    break;
                }
                size += n;
                if (clock.millis() > deadline) {
                    throw tooSlow("it was still arriving after "
                            + limits.bodyTimeout().toSeconds() + " s");
                }
            }
        } catch (IOException e) {
            throw tooSlow("the connection stalled or broke while it was being sent (" + e.getMessage() + ")");
        }
        return size == bytes.length ? bytes : Arrays.copyOf(bytes, size);
    }

    private static ApiProblem tooSlow(String why) {
        return new ApiProblem(
                ProblemType.UPLOAD_TOO_SLOW,
                "The photo did not arrive in time: " + why
                        + ". Nothing was kept; please try again on a better connection.");
    }

    private UploadReceipt accept(byte[] bytes) {
        InspectedImage image = inspector.inspect(bytes);
        String uploadId = UUID.randomUUID().toString();
        Instant now = clock.instant();
        String key =
                KEY_DATE.format(now) + "/" + uploadId + "." + image.format().extension();
        String contentType = image.format().mediaType();

        String sha256 = sha256Hex(bytes);
        ObjectRef object;
        try {
            object = storeLatency.record(() -> store.put(key, bytes, sha256, contentType));
        } catch (ObjectStoreException e) {
            log.warn("Refusing upload {}: {}", uploadId, e.getMessage());
            throw new ApiProblem(
                            ProblemType.OBJECT_STORE_UNAVAILABLE,
                            "The photo could not be stored right now. Nothing was kept; please try again in a moment.",
                            e)
                    .retryAfterSeconds(RETRY_AFTER_SECONDS);
        }

        FeedbackToken token = FeedbackToken.issue();
        Upload upload = new Upload(
                uploadId,
                object,
                contentType,
                bytes.length,
                sha256,
                image.width(),
                image.height(),
                token.sha256Hex(),
                now);
        try {
            publishLatency.record(() -> publisher.publish(Topics.UPLOADS, uploadId, upload));
        } catch (EventNotPublishedException e) {
            log.warn("Refusing upload {}: {}", uploadId, e.getMessage());
            discardOrphan(object, e);
            throw new ApiProblem(
                            ProblemType.EVENT_LOG_UNAVAILABLE,
                            "The photo could not be queued for classification right now. Nothing was kept; please try again in a moment.",
                            e)
                    .retryAfterSeconds(RETRY_AFTER_SECONDS);
        }

        view.recordUpload(upload);
        accepted.increment();
        acceptedBytes.record(bytes.length);
        // DEBUG: the Upload event on `uploads` is the record of every accepted photo; a line each cost CPU at load.
        log.debug(
                "Accepted upload {}: {} {}x{}, {} bytes, stored as {}/{}",
                uploadId,
                contentType,
                image.width(),
                image.height(),
                bytes.length,
                object.bucket(),
                object.key());
        return new UploadReceipt(
                uploadId, "/api/uploads/" + uploadId, "/api/uploads/" + uploadId + "/events", token.value());
    }

    /** Removes the object of an upload whose event was not published, unless the event may still appear. */
    private void discardOrphan(ObjectRef object, EventNotPublishedException cause) {
        if (cause.outcomeUnknown()) {
            // The event may still be written; deleting would leave an event without its object.
            log.error(
                    "Kept object {}/{}: Kafka did not say whether its Upload event was written; delete it if no"
                            + " event for it appears",
                    object.bucket(),
                    object.key());
            orphans("kept");
            return;
        }
        try {
            store.delete(object);
            orphans("deleted");
        } catch (ObjectStoreException e) {
            log.error(
                    "Orphaned object {}/{} has no Upload event and could not be deleted; delete it by hand: {}",
                    object.bucket(),
                    object.key(),
                    e.getMessage());
            orphans("delete_failed");
        }
    }

    private void orphans(String outcome) {
        meters.counter("gourmetgram.ingest.uploads.orphans", "outcome", outcome).increment();
    }

    private ApiProblem tooLarge(long size) {
        long max = limits.maxBytes().toBytes();
        return new ApiProblem(
                        ProblemType.PHOTO_TOO_LARGE,
                        "The photo is larger than the limit of " + limits.maxBytes()
                                + (size > 0 ? " (it is " + size + " bytes)" : "")
                                + ". Send a smaller or more compressed photo.")
                .with("maxBytes", max);
    }

    private static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java runtime has SHA-256", e);
        }
    }
}
