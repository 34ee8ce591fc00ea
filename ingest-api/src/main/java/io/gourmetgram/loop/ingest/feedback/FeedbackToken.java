package io.gourmetgram.loop.ingest.feedback;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The per-upload secret that authorizes flag and correction calls. Only the uploader gets the
 * token; the system keeps its SHA-256 (a hash suffices: the token has 256 random bits, so there is
 * nothing to brute-force).
 */
public final class FeedbackToken {

    private static final SecureRandom RANDOM = new SecureRandom();

    private FeedbackToken() {
    }

    public static String generate() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public static String sha256Hex(String token) {
        return HexFormat.of().formatHex(digest(token));
    }

    /** Constant-time comparison of the presented token's hash with the stored one. */
    public static boolean matches(String presented, String storedSha256Hex) {
        if (presented == null || storedSha256Hex == null) {
            return false;
        }
        byte[] stored;
        try {
            stored = HexFormat.of().parseHex(storedSha256Hex);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(digest(presented), stored);
    }

    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }
}
