package io.gourmetgram.loop.support.management;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Access to a stage's management port (actuator), the same in every stage.
 *
 * @param token bearer token ({@code MANAGEMENT_TOKEN}) that shows health details and components; without
 *              it, health answers only UP/DOWN. Unset means nobody sees details. Checked when the stage
 *              starts: a short token stops it with a message naming the variable.
 */
@ConfigurationProperties("gourmetgram.management")
public record ManagementAccess(String token) {

    /** Long enough that guessing it is hopeless (e.g. {@code openssl rand -base64 32}). */
    public static final int MIN_TOKEN_LENGTH = 32;

    public ManagementAccess {
        if (token != null && token.isEmpty()) {
            token = null;
        }
        if (token != null && token.length() < MIN_TOKEN_LENGTH) {
            throw new IllegalArgumentException("gourmetgram.management.token (MANAGEMENT_TOKEN) must be at least "
                    + MIN_TOKEN_LENGTH + " characters, e.g. from openssl rand -base64 32; leave it unset to show no "
                    + "health details");
        }
    }

    public boolean enabled() {
        return token != null;
    }
}
