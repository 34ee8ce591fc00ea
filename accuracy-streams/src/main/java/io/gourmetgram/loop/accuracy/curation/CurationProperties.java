package io.gourmetgram.loop.accuracy.curation;

import io.gourmetgram.loop.support.s3.S3Settings;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of dataset curation ({@code gourmetgram.curation.*}).
 *
 * @param confidentAbove unreviewed predictions at least this confident go to production-noisy
 * @param labelsFile     a model.json whose labels give the class_XX numbers; empty = Food-11
 * @param stallTimeout   health is DOWN when a stream thread makes no progress this long (CURATION_STALL_TIMEOUT)
 */
@Validated
@ConfigurationProperties("gourmetgram.curation")
public record CurationProperties(
        @DecimalMin(value = "0.0", message = "confident-above (CURATION_CONFIDENT_ABOVE) must be between 0 and 1")
        @DecimalMax(value = "1.0", message = "confident-above (CURATION_CONFIDENT_ABOVE) must be between 0 and 1")
        double confidentAbove,

        Path labelsFile,

        @NotBlank(message = "state-dir (CURATION_STATE_DIR) must name a writable directory")
        String stateDir,

        @Valid @NotNull S3Settings s3,
        @DefaultValue("2m") @NotNull Duration stallTimeout) {}
