package io.gourmetgram.loop.ingest.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FeedbackTokenTest {

    @Test
    void aTokenMatchesOnlyItsOwnHash() {
        String token = FeedbackToken.generate();
        String stored = FeedbackToken.sha256Hex(token);

        assertThat(FeedbackToken.matches(token, stored)).isTrue();
        assertThat(FeedbackToken.matches(FeedbackToken.generate(), stored)).isFalse();
        assertThat(FeedbackToken.matches(null, stored)).isFalse();
        assertThat(FeedbackToken.matches(token, "not-hex")).isFalse();
    }

    @Test
    void tokensAreUnguessable() {
        assertThat(FeedbackToken.generate()).hasSize(43).isNotEqualTo(FeedbackToken.generate());
    }
}
