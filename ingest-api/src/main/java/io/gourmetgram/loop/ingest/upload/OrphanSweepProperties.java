package io.gourmetgram.loop.ingest.upload;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The sweep of photos whose {@code Upload} event never appeared (kept after Kafka did not say
 * whether it wrote the event).
 *
 * @param grace    how old an object must be before a missing event counts: longer than any
 *                 producer retry and any clock skew between us and S3
 * @param window   objects older than {@code grace + window} are no longer looked at, which bounds the
 *                 ids this instance must remember
 * @param interval how often to sweep
 */
@Validated
@ConfigurationProperties("gourmetgram.ingest.orphans")
public record OrphanSweepProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("10m") @NotNull Duration grace,
        @DefaultValue("1h") @NotNull Duration window,
        @DefaultValue("5m") @NotNull Duration interval) {

    @AssertTrue(
            message =
                    "gourmetgram.ingest.orphans.grace, window and interval (INGEST_ORPHANS_GRACE, _WINDOW, _INTERVAL) must be positive, e.g. 10m, 1h, 5m")
    boolean isEveryDurationPositive() {
        return grace != null
                && window != null
                && interval != null
                && grace.isPositive()
                && window.isPositive()
                && interval.isPositive();
    }

    /** How long announced upload ids must be remembered to judge every object in the window. */
    public Duration memory() {
        return grace.plus(window).plus(interval);
    }
}
