package io.gourmetgram.loop.ingest.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of ingest-api ({@code gourmetgram.ingest.*}; environment variables in README.md).
 *
 * @param maxUploadSize  larger uploads get 413
 * @param maxPixels      images whose header declares more pixels get 422, before any decoding
 * @param maxWait        cap on {@code GET /api/uploads/{id}?wait=}
 * @param viewHorizon    how far back the local view of uploads and predictions reaches at start-up
 * @param viewMaxEntries most uploads the view keeps (least recently used are evicted)
 * @param publishTimeout how long an upload waits for Kafka's acknowledgement before answering 503
 * @param labelsFile     a model.json whose {@code labels} are the valid corrections; empty = Food-11
 * @param createTopics   create missing catalog topics at start-up (off where a platform team owns topics)
 */
@Validated
@ConfigurationProperties("gourmetgram.ingest")
public record IngestProperties(
        @NotNull DataSize maxUploadSize,
        @Min(value = 1, message = "max-pixels (INGEST_MAX_PIXELS) must be positive") long maxPixels,
        @NotNull Duration maxWait,
        @NotNull Duration viewHorizon,
        @Min(value = 100, message = "view-max-entries must be at least 100") int viewMaxEntries,
        @NotNull Duration publishTimeout,
        Path labelsFile,
        boolean createTopics,
        @Valid @NotNull S3 s3) {

    /** The object store. Credentials have no default: set S3_ACCESS_KEY and S3_SECRET_KEY. */
    public record S3(
            @NotBlank(message = "S3 endpoint is missing: set S3_ENDPOINT, e.g. http://localhost:9000") String endpoint,
            @NotBlank(message = "S3 access key is missing: set S3_ACCESS_KEY") String accessKey,
            @NotBlank(message = "S3 secret key is missing: set S3_SECRET_KEY") String secretKey,
            @NotBlank(message = "S3 bucket is missing: set S3_BUCKET (default 'production')") String bucket) {
    }
}
