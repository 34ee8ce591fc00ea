package io.gourmetgram.loop.ingest.view;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The local view of uploads and predictions that answers GET /api/uploads/{id}.
 *
 * @param horizon       how far back the view reads {@code uploads} and {@code predictions} at startup
 * @param maxEntries    uploads kept in memory; the least recently used is evicted beyond this
 * @param maxWait       cap on {@code ?wait=}; longer requests wait this long
 * @param eventsTimeout how long a server-sent-events stream stays open waiting for a prediction
 */
@Validated
@ConfigurationProperties("gourmetgram.ingest.view")
public record ViewProperties(
        @DefaultValue("24h") @NotNull Duration horizon,

        @DefaultValue("20000") @Positive(message = "must be at least 1 (uploads kept in the local view)")
        int maxEntries,

        @DefaultValue("30s") @NotNull Duration maxWait,
        @DefaultValue("5m") @NotNull Duration eventsTimeout) {

    @AssertTrue(
            message =
                    "gourmetgram.ingest.view.horizon, max-wait and events-timeout must be positive durations, e.g. 24h, 30s, 5m")
    boolean isEveryDurationPositive() {
        return horizon != null
                && maxWait != null
                && eventsTimeout != null
                && horizon.isPositive()
                && maxWait.isPositive()
                && eventsTimeout.isPositive();
    }
}
