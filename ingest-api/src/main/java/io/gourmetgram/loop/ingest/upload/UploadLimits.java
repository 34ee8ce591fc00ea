package io.gourmetgram.loop.ingest.upload;

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
 */
@Validated
@ConfigurationProperties("gourmetgram.ingest.upload")
public record UploadLimits(
        @DefaultValue("10MB") DataSize maxBytes,
        @DefaultValue("40000000") @Positive(message = "must be at least 1 pixel") long maxPixels) {

    @AssertTrue(message = "gourmetgram.ingest.upload.max-bytes must be between 1KB and 1GB, e.g. 10MB")
    boolean isMaxBytesReasonable() {
        return maxBytes != null && maxBytes.toBytes() >= 1024 && maxBytes.toBytes() <= DataSize.ofGigabytes(1).toBytes();
    }
}
