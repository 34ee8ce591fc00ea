package io.gourmetgram.loop.labeling.labelstudio;

import io.gourmetgram.loop.events.EventJson;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import tools.jackson.databind.JsonNode;

/**
 * How we authenticate to Label Studio. A key shaped like a JWT is a personal access token: a
 * refresh token exchanged at {@code /api/token/refresh} for a short-lived access token, sent as
 * {@code Bearer}. Anything else is a legacy token, sent as {@code Token <key>}.
 */
final class Credentials {

    /** Refresh this long before the access token expires (at most), so no call races the expiry. */
    private static final Duration EARLY = Duration.ofSeconds(30);

    private final String apiKey;
    private final boolean personalAccessToken;
    private final Clock clock;
    private String accessToken;
    private Instant accessExpires = Instant.MIN;
    private Instant refreshAt = Instant.MIN;

    Credentials(String apiKey, Clock clock) {
        this.apiKey = apiKey;
        this.personalAccessToken = looksLikeJwt(apiKey);
        this.clock = clock;
    }

    boolean personalAccessToken() {
        return personalAccessToken;
    }

    String refreshToken() {
        return apiKey;
    }

    /** The Authorization header value, or null when an access token must be fetched first. */
    synchronized String authorization() {
        if (!personalAccessToken) {
            return "Token " + apiKey;
        }
        if (accessToken == null || clock.instant().isAfter(refreshAt)) {
            return null;
        }
        return "Bearer " + accessToken;
    }

    synchronized void accessToken(String token) {
        this.accessToken = token;
        Instant now = clock.instant();
        this.accessExpires = expiry(token).orElse(now.plus(Duration.ofMinutes(4)));
        // A tenth of the lifetime early, capped: short-lived tokens (tests, strict servers) stay usable.
        Duration life = Duration.between(now, accessExpires);
        Duration early = life.dividedBy(10).compareTo(EARLY) < 0 ? life.dividedBy(10) : EARLY;
        this.refreshAt = accessExpires.minus(early);
    }

    /** Forgets the access token that was just refused, unless another thread already replaced it. */
    synchronized void forgetAccessToken(String refusedAuthorization) {
        if (accessToken != null && refusedAuthorization.equals("Bearer " + accessToken)) {
            this.accessToken = null;
        }
    }

    static boolean looksLikeJwt(String key) {
        return key != null && key.matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*");
    }

    /** The {@code exp} claim; we only read it to schedule refreshes (Label Studio verifies the token). */
    private static java.util.Optional<Instant> expiry(String jwt) {
        try {
            String payload = new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8);
            JsonNode exp = EventJson.mapper().readTree(payload).path("exp");
            return exp.isNumber()
                    ? java.util.Optional.of(Instant.ofEpochSecond(exp.asLong()))
                    : java.util.Optional.empty();
        } catch (RuntimeException e) {
            return java.util.Optional.empty();
        }
    }
}
