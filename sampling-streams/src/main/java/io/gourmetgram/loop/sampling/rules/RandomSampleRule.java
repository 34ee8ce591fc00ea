package io.gourmetgram.loop.sampling.rules;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The unbiased stratum: an upload is in the random sample when a hash of its id falls below the
 * rate. Deterministic, so a replay of the same topics selects the same uploads, and independent of
 * everything the model said — which is what lets accuracy-streams estimate accuracy without bias.
 */
public final class RandomSampleRule {

    private static final double TWO_TO_THE_64 = Math.pow(2, 64);

    /** One digest per thread: looking the algorithm up for every upload cost as much as hashing it. */
    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    });

    private final double rate;

    public RandomSampleRule(double rate) {
        if (!(rate > 0 && rate <= 1)) {
            throw new IllegalArgumentException("random sample rate must be in (0, 1], was " + rate);
        }
        this.rate = rate;
    }

    public double rate() {
        return rate;
    }

    public boolean selects(String uploadId) {
        return position(uploadId) < rate;
    }

    /** Where the id's hash falls in [0, 1): the first 64 bits of its SHA-256, as an unsigned fraction. */
    static double position(String uploadId) {
        byte[] digest = SHA_256.get().digest(uploadId.getBytes(StandardCharsets.UTF_8));
        long bits = ByteBuffer.wrap(digest).getLong();
        double unsigned = bits >= 0 ? bits : bits + TWO_TO_THE_64;
        return unsigned / TWO_TO_THE_64;
    }
}
