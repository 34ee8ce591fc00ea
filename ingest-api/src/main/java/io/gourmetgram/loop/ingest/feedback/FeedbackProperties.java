package io.gourmetgram.loop.ingest.feedback;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * @param maxBodySize   largest accepted feedback body; a label is a few dozen bytes, so anything more is refused (400)
 * @param perClientLimit feedback calls one client address may make per {@code rateWindow} (429 beyond)
 * @param perUploadLimit accepted feedback calls on one upload per {@code rateWindow} (429 beyond)
 * @param rateWindow     the window both limits count in
 */
@Validated
@ConfigurationProperties("gourmetgram.ingest.feedback")
public record FeedbackProperties(
        @DefaultValue("1KB") DataSize maxBodySize,

        @DefaultValue("60") @Positive(message = "must be at least 1 call per window")
        int perClientLimit,

        @DefaultValue("10") @Positive(message = "must be at least 1 call per window")
        int perUploadLimit,

        @DefaultValue("1m") @NotNull Duration rateWindow) {

    @AssertTrue(message = "gourmetgram.ingest.feedback.max-body-size must be between 64B and 64KB")
    boolean isMaxBodySizeReasonable() {
        return maxBodySize != null && maxBodySize.toBytes() >= 64 && maxBodySize.toBytes() <= 65536;
    }

    @AssertTrue(
            message =
                    "gourmetgram.ingest.feedback.rate-window (INGEST_FEEDBACK_RATE_WINDOW) must be between 1s and 1h, e.g. 1m")
    boolean isRateWindowReasonable() {
        return rateWindow != null
                && rateWindow.compareTo(Duration.ofSeconds(1)) >= 0
                && rateWindow.compareTo(Duration.ofHours(1)) <= 0;
    }
}
