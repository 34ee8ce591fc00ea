package io.gourmetgram.loop.ingest.upload;

import io.gourmetgram.loop.ingest.image.ImageBounds;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * What a photo may weigh.
 *
 * @param maxBytes  largest accepted file (413 beyond), raw body or multipart form field
 * @param maxPixels largest accepted width x height, read from the header before decoding (422 beyond)
 * @param minSide   smallest accepted width or height (422 below)
 * @param maxSide   largest accepted width or height (422 beyond)
 * @param maxAspectRatio largest accepted longer side / shorter side, e.g. 10 for 10:1 (422 beyond)
 * @param maxInFlightBytes photo bytes all uploads being read and stored may hold at once (503 beyond),
 *                  so a crowd of large uploads is turned away instead of exhausting the heap
 * @param bodyTimeout how long a photo may take to arrive in full (408 beyond); stalls between packets
 *                  are ended sooner by {@code server.tomcat.connection-timeout}
 */
@Validated
@ConfigurationProperties("gourmetgram.ingest.upload")
public record UploadLimits(
        @DefaultValue("10MB") DataSize maxBytes,

        @DefaultValue("40000000") @Positive(message = "must be at least 1 pixel")
        long maxPixels,

        @DefaultValue("16") @Positive(message = "must be at least 1 pixel")
        int minSide,

        @DefaultValue("20000") @Positive(message = "must be at least 1 pixel")
        int maxSide,

        @DefaultValue("10") @Positive(message = "must be at least 1 (a square)")
        int maxAspectRatio,

        @DefaultValue("128MB") DataSize maxInFlightBytes,
        @DefaultValue("60s") @NotNull Duration bodyTimeout) {

    @AssertTrue(
            message =
                    "gourmetgram.ingest.upload.max-in-flight-bytes (INGEST_UPLOAD_MAX_IN_FLIGHT_BYTES) must be larger than max-bytes (one photo must fit)")
    boolean isInFlightBudgetEnoughForOnePhoto() {
        return maxInFlightBytes != null && maxBytes != null && maxInFlightBytes.toBytes() > maxBytes.toBytes();
    }

    @AssertTrue(
            message =
                    "gourmetgram.ingest.upload.body-timeout (INGEST_UPLOAD_BODY_TIMEOUT) must be a positive duration, e.g. 60s")
    boolean isBodyTimeoutPositive() {
        return bodyTimeout != null && bodyTimeout.isPositive();
    }

    /** Room for the multipart boundaries and part headers around a photo of the maximum size. */
    public static final DataSize FORM_ENVELOPE = DataSize.ofKilobytes(64);

    /** Largest multipart form: a photo of {@code maxBytes} and its envelope. */
    public long maxFormBytes() {
        return maxBytes.toBytes() + FORM_ENVELOPE.toBytes();
    }

    public ImageBounds imageBounds() {
        return new ImageBounds(maxPixels, minSide, maxSide, maxAspectRatio);
    }

    @AssertTrue(
            message =
                    "gourmetgram.ingest.upload.min-side (INGEST_UPLOAD_MIN_SIDE) must not exceed max-side (INGEST_UPLOAD_MAX_SIDE)")
    boolean isSideRangeValid() {
        return minSide <= maxSide;
    }

    @AssertTrue(message = "gourmetgram.ingest.upload.max-bytes must be between 1KB and 1GB, e.g. 10MB")
    boolean isMaxBytesReasonable() {
        return maxBytes != null
                && maxBytes.toBytes() >= 1024
                && maxBytes.toBytes() <= DataSize.ofGigabytes(1).toBytes();
    }
}
