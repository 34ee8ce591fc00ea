package io.gourmetgram.loop.accuracy.config;

import io.gourmetgram.loop.accuracy.topology.AccuracySettings;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of accuracy-streams ({@code gourmetgram.accuracy.*}; environment variables in README.md).
 *
 * @param minLabels    per-reason and per-class figures with fewer labels are insufficient (ACCURACY_MIN_LABELS)
 * @param stallTimeout health is DOWN when a stream thread makes no progress this long (ACCURACY_STALL_TIMEOUT)
 */
@Validated
@ConfigurationProperties("gourmetgram.accuracy")
public record AccuracyProperties(
        @NotNull Duration tumblingWindow,
        @NotNull Duration rollingWindow,
        @NotNull Duration rollingStep,
        @NotNull Duration grace,

        @jakarta.validation.constraints.DecimalMin(value = "0.0", message = "retrain-below must be between 0 and 1")
        @jakarta.validation.constraints.DecimalMax(value = "1.0", message = "retrain-below must be between 0 and 1")
        double retrainBelow,

        @jakarta.validation.constraints.Min(
                value = 1,
                message = "retrain-every (ACCURACY_RETRAIN_EVERY) must be at least 1 label")
        long retrainEvery,

        @jakarta.validation.constraints.Min(value = 1, message = "min-labels (ACCURACY_MIN_LABELS) must be at least 1")
        long minLabels,

        @NotBlank(message = "state-dir (ACCURACY_STATE_DIR) must name a writable directory")
        String stateDir,

        @DefaultValue("2m") @NotNull Duration stallTimeout) {

    public AccuracySettings settings() {
        return new AccuracySettings(
                tumblingWindow, rollingWindow, rollingStep, grace, true, retrainBelow, retrainEvery, minLabels);
    }
}
