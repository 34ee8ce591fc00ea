package io.gourmetgram.loop.labeling.images;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Image URLs for Label Studio tasks that never expire but cannot be forged: {@code
 * <public url>/images/<uploadId>?sig=HMAC-SHA256(uploadId)}. Opening one redirects to a freshly
 * presigned S3 URL, so an annotator who opens a task days later still sees the photo.
 */
public final class ImageLinks {

    private final String publicUrl;
    private final SecretKeySpec key;
    /** One initialised Mac per thread: looking the algorithm up and keying it for every link costs more than the HMAC. */
    private final ThreadLocal<Mac> macs;

    public ImageLinks(String publicUrl, String secret) {
        this.publicUrl = publicUrl.endsWith("/") ? publicUrl.substring(0, publicUrl.length() - 1) : publicUrl;
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
        this.macs = ThreadLocal.withInitial(this::newMac);
    }

    public String linkFor(String uploadId) {
        return publicUrl + "/images/" + uploadId + "?sig=" + signature(uploadId);
    }

    public boolean valid(String uploadId, String signature) {
        return signature != null
                && MessageDigest.isEqual(
                        signature(uploadId).getBytes(StandardCharsets.US_ASCII),
                        signature.getBytes(StandardCharsets.US_ASCII));
    }

    private String signature(String uploadId) {
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(macs.get().doFinal(uploadId.getBytes(StandardCharsets.UTF_8))); // doFinal resets it
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JRE", e);
        }
    }
}
