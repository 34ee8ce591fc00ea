package io.gourmetgram.loop.ingest.management;

import jakarta.validation.constraints.AssertTrue;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Access to the management port (actuator).
 *
 * @param token bearer token (INGEST_MANAGEMENT_TOKEN) that shows health details and components; without
 *              it, health answers only UP/DOWN. Unset means nobody sees details.
 */
@Validated
@ConfigurationProperties("gourmetgram.ingest.management")
public record ManagementProperties(String token) {

    /** Long enough that guessing it is hopeless (e.g. {@code openssl rand -base64 32}). */
    public static final int MIN_TOKEN_LENGTH = 32;

    @AssertTrue(message = "gourmetgram.ingest.management.token (INGEST_MANAGEMENT_TOKEN) must be at least "
            + MIN_TOKEN_LENGTH + " characters, e.g. from openssl rand -base64 32; leave it unset to show no health details")
    boolean isTokenLongEnough() {
        return token == null || token.isEmpty() || token.length() >= MIN_TOKEN_LENGTH;
    }
}
