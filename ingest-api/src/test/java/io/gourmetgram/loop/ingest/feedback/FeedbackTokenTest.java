package io.gourmetgram.loop.ingest.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FeedbackTokenTest {

    @Test
    void tokensAre256RandomBitsInUrlSafeText() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String token = FeedbackToken.issue().value();
            assertThat(token).hasSize(43).matches("[A-Za-z0-9_-]+");
            assertThat(seen.add(token)).as("token repeated").isTrue();
        }
    }

    @Test
    void theStoredHashIsTheHexSha256OfTheToken() {
        // echo -n abc | sha256sum
        assertThat(new FeedbackToken("abc").sha256Hex())
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void onlyTheIssuedTokenMatchesItsHash() {
        FeedbackToken token = FeedbackToken.issue();
        String stored = token.sha256Hex();

        assertThat(FeedbackToken.matches(token.value(), stored)).isTrue();
        assertThat(FeedbackToken.matches(FeedbackToken.issue().value(), stored)).isFalse();
        assertThat(FeedbackToken.matches(stored, stored))
                .as("the hash itself is not a token")
                .isFalse();
        assertThat(FeedbackToken.matches("", stored)).isFalse();
        assertThat(FeedbackToken.matches(null, stored)).isFalse();
        assertThat(FeedbackToken.matches(token.value(), "not hex")).isFalse();
    }

    @Test
    void neverPrintsTheSecret() {
        FeedbackToken token = FeedbackToken.issue();
        assertThat(token.toString()).doesNotContain(token.value());
    }
}
