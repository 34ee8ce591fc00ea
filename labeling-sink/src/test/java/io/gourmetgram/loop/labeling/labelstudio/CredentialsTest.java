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
        assertThat(new Credentials(FakeLabelStudio.PERSONAL_ACCESS_TOKEN, Clock.systemUTC()).personalAccessToken())
                .isTrue();
        Credentials legacy = new Credentials("0123456789abcdef", Clock.systemUTC());
        assertThat(legacy.personalAccessToken()).isFalse();
        assertThat(legacy.authorization()).isEqualTo("Token 0123456789abcdef");
    }

    @Test
    void anAccessTokenIsUsedAsBearerUntilShortlyBeforeItExpires() {
        Instant now = Instant.parse("2026-11-24T10:00:00Z");
        MovingClock clock = new MovingClock(now);
        Credentials pat = new Credentials(FakeLabelStudio.PERSONAL_ACCESS_TOKEN, clock);
        assertThat(pat.authorization()).isNull(); // must refresh first

        String access = jwtExpiring(now.plus(Duration.ofMinutes(5)));
        pat.accessToken(access);
        assertThat(pat.authorization()).isEqualTo("Bearer " + access);

        clock.now = now.plus(Duration.ofSeconds(290));
        assertThat(pat.authorization()).isNull(); // within 30 s of expiry: refresh again
    }

    @Test
    void aRefusedAccessTokenIsForgottenUnlessAnotherThreadAlreadyReplacedIt() {
        Credentials pat = new Credentials(FakeLabelStudio.PERSONAL_ACCESS_TOKEN, Clock.systemUTC());
        String first = jwtExpiring(Instant.now().plus(Duration.ofMinutes(5)));
        String second = jwtExpiring(Instant.now().plus(Duration.ofMinutes(6)));
        pat.accessToken(second);

        pat.forgetAccessToken("Bearer " + first);
        assertThat(pat.authorization()).isEqualTo("Bearer " + second);
        pat.forgetAccessToken("Bearer " + second);
        assertThat(pat.authorization()).isNull();
    }

    private static final class MovingClock extends Clock {
        private Instant now;

        MovingClock(Instant now) {
            this.now = now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private static String jwtExpiring(Instant exp) {
        java.util.Base64.Encoder b64 = java.util.Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString("{}".getBytes()) + "."
                + b64.encodeToString(("{\"exp\":" + exp.getEpochSecond() + "}").getBytes()) + ".sig";
    }
}
