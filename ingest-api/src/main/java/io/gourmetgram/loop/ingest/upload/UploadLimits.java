package io.gourmetgram.loop.ingest.upload;

import io.gourmetgram.loop.ingest.image.ImageBounds;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Positive;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * What a photo may weigh.
 *
 * @param maxBytes  largest accepted file (413 beyond); also the servlet container's multipart limit
 * @param maxPixels largest accepted width x height, read from the header before decoding (422 beyond)
 * @param minSide   smallest accepted width or height (422 below)
 * @param maxSide   largest accepted width or height (422 beyond)
 * @param maxAspectRatio largest accepted longer side / shorter side, e.g. 10 for 10:1 (422 beyond)
 */
@Validated
@ConfigurationProperties("ingest.upload")
public record UploadLimits(
        @DefaultValue("10MB") DataSize maxBytes,
        @DefaultValue("40000000") @Positive(message = "must be at least 1 pixel") long maxPixels,
        @DefaultValue("16") @Positive(message = "must be at least 1 pixel") int minSide,
        @DefaultValue("20000") @Positive(message = "must be at least 1 pixel") int maxSide,
        @DefaultValue("10") @Positive(message = "must be at least 1 (a square)") int maxAspectRatio) {

    public ImageBounds imageBounds() {
        return new ImageBounds(maxPixels, minSide, maxSide, maxAspectRatio);
    }

    @AssertTrue(message = "ingest.upload.min-side must not exceed ingest.upload.max-side")
    boolean isSideRangeValid() {
        return minSide <= maxSide;
    }

    @AssertTrue(message = "ingest.upload.max-bytes must be between 1KB and 1GB, e.g. 10MB")
    boolean isMaxBytesReasonable() {
        return maxBytes != null && maxBytes.toBytes() >= 1024 && maxBytes.toBytes() <= DataSize.ofGigabytes(1).toBytes();
    }
}
