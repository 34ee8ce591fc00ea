package io.gourmetgram.loop.labeling.labelstudio;

import static org.assertj.core.api.Assertions.assertThat;

import io.gourmetgram.loop.labeling.fake.FakeLabelStudio;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class CredentialsTest {

    @Test
    void aJwtShapedKeyIsAPersonalAccessTokenAnythingElseALegacyToken() {
        assertThat(new Credentials(FakeLabelStudio.PERSONAL_ACCESS_TOKEN, Clock.systemUTC()).personalAccessToken()).isTrue();
        Credentials legacy = new Credentials("0123456789abcdef", Clock.systemUTC());
        assertThat(legacy.personalAccessToken()).isFalse();
        assertThat(legacy.authorization()).isEqualTo("Token 0123456789abcdef");
    }

    @Test
    void anAccessTokenIsUsedAsBearerUntilShortlyBeforeItExpires() {
        Instant now = Instant.parse("2026-11-24T10:00:00Z");
        Credentials pat = new Credentials(FakeLabelStudio.PERSONAL_ACCESS_TOKEN, Clock.fixed(now, ZoneOffset.UTC));
        assertThat(pat.authorization()).isNull(); // must refresh first

        String access = jwtExpiring(now.plus(Duration.ofMinutes(5)));
        pat.accessToken(access);
        assertThat(pat.authorization()).isEqualTo("Bearer " + access);

        Credentials later = new Credentials(FakeLabelStudio.PERSONAL_ACCESS_TOKEN,
                Clock.fixed(now.plus(Duration.ofSeconds(290)), ZoneOffset.UTC));
        later.accessToken(access);
        assertThat(later.authorization()).isNull(); // within 30 s of expiry: refresh again
    }

    private static String jwtExpiring(Instant exp) {
        java.util.Base64.Encoder b64 = java.util.Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString("{}".getBytes()) + "." + b64.encodeToString(("{\"exp\":" + exp.getEpochSecond() + "}").getBytes())
                + ".sig";
    }
}
