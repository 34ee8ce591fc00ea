package io.gourmetgram.loop.accuracy.config;

import io.gourmetgram.loop.accuracy.topology.AccuracySettings;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of accuracy-streams ({@code gourmetgram.accuracy.*}; environment variables in README.md).
 */
@Validated
@ConfigurationProperties("gourmetgram.accuracy")
public record AccuracyProperties(
        @NotNull Duration tumblingWindow,
        @NotNull Duration rollingWindow,
        @NotNull Duration rollingStep,
        @NotNull Duration grace,
        @NotBlank(message = "state-dir (ACCURACY_STATE_DIR) must name a writable directory") String stateDir) {

    public AccuracySettings settings() {
        return new AccuracySettings(tumblingWindow, rollingWindow, rollingStep, grace, true);
    }
}
