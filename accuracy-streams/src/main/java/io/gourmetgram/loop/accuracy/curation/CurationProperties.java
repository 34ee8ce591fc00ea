package io.gourmetgram.loop.accuracy.curation;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of dataset curation ({@code gourmetgram.curation.*}).
 *
 * @param confidentAbove unreviewed predictions at least this confident go to production-noisy
 * @param labelsFile     a model.json whose labels give the class_XX numbers; empty = Food-11
 */
@Validated
@ConfigurationProperties("gourmetgram.curation")
public record CurationProperties(
        @DecimalMin(value = "0.0", message = "confident-above (CURATION_CONFIDENT_ABOVE) must be between 0 and 1")
        @DecimalMax(value = "1.0", message = "confident-above (CURATION_CONFIDENT_ABOVE) must be between 0 and 1")
        double confidentAbove,
        Path labelsFile,
        @NotBlank(message = "state-dir (CURATION_STATE_DIR) must name a writable directory") String stateDir,
        @Valid @NotNull S3 s3) {

    public record S3(
            @NotBlank(message = "S3 endpoint is missing: set S3_ENDPOINT") String endpoint,
            @NotBlank(message = "S3 access key is missing: set S3_ACCESS_KEY") String accessKey,
            @NotBlank(message = "S3 secret key is missing: set S3_SECRET_KEY") String secretKey) {
    }
}
