package io.gourmetgram.loop.ingest.kafka;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How long a request waits for Kafka before it is answered 503.
 *
 * @param deliveryTimeout bound for fetching metadata and, separately, for the broker's acknowledgement
 *                        (the producer's {@code max.block.ms} and {@code delivery.timeout.ms}); a
 *                        request answers within about twice this when Kafka is down
 */
@Validated
@ConfigurationProperties("gourmetgram.ingest.kafka")
public record PublishProperties(
        @DefaultValue("10s") @NotNull Duration deliveryTimeout) {

    @AssertTrue(message = "gourmetgram.ingest.kafka.delivery-timeout must be between 1s and 5m")
    boolean isDeliveryTimeoutReasonable() {
        return deliveryTimeout != null
                && deliveryTimeout.compareTo(Duration.ofSeconds(1)) >= 0
                && deliveryTimeout.compareTo(Duration.ofMinutes(5)) <= 0;
    }
}
