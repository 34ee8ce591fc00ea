package io.gourmetgram.loop.ingest.feedback;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The per-upload secret that authorizes feedback. Only the uploader ever sees the token; events and
 * the view keep its SHA-256, so a leaked topic does not let anyone flag or correct someone's photo.
 *
 * @param value the token as given to the uploader (43 characters of base64url)
 */
public record FeedbackToken(String value) {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int BYTES = 32;

    public static FeedbackToken issue() {
        byte[] secret = new byte[BYTES];
        RANDOM.nextBytes(secret);
        return new FeedbackToken(Base64.getUrlEncoder().withoutPadding().encodeToString(secret));
    }

    /** Hex SHA-256 of the token, as stored in the {@code Upload} event. */
    public String sha256Hex() {
        return HexFormat.of().formatHex(digest(value));
    }

    /** Whether {@code presented} is the token whose hash is {@code expectedSha256Hex}, compared in constant time. */
    public static boolean matches(String presented, String expectedSha256Hex) {
        if (presented == null || expectedSha256Hex == null) {
            return false;
        }
        byte[] expected;
        try {
            expected = HexFormat.of().parseHex(expectedSha256Hex);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(digest(presented), expected);
    }

    private static byte[] digest(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java runtime has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return "FeedbackToken[redacted]";
    }
}
