package io.gourmetgram.loop.events;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;

/**
 * A record a stage could not process, kept with the reason so nothing accepted is lost.
 * Topic {@code <stage>-dead-letter}, key = the original key.
 *
 * <p>The payload is stored once, as base64. Above a cap (see {@code DeadLetters} in stage-support)
 * it is cut, and {@code valueBytes} and {@code valueSha256} still describe the whole original, so
 * one oversized or corrupt record always fits in its dead letter.
 *
 * @param key            the original key as UTF-8 text (cut to a cap when longer)
 * @param valueBase64    the original value bytes (the first ones only when {@code valueTruncated}); null for a null value
 * @param valueBytes     size of the original value in bytes; null for a null value
 * @param valueSha256    SHA-256 of the whole original value, lower-case hex; null for a null value
 * @param valueTruncated whether {@code valueBase64} holds only the start of the value
 * @param headers        original headers, values base64-encoded (each cut to a cap)
 */
public record DeadLetter(
        int schemaVersion,
        String stage,
        String sourceTopic,
        int sourcePartition,
        long sourceOffset,
        String key,
        String valueBase64,
        Long valueBytes,
        String valueSha256,
        boolean valueTruncated,
        Map<String, String> headers,
        String errorClass,
        String errorMessage,
        Instant at) {

    public static final int SCHEMA_VERSION = 2;

    public DeadLetter {
        headers = Map.copyOf(headers);
    }

    /** The stored payload bytes (all of them unless {@code valueTruncated}); null for a null value. */
    @JsonIgnore
    public byte[] payload() {
        return valueBase64 == null ? null : Base64.getDecoder().decode(valueBase64);
    }

    /** The stored payload read as UTF-8 (for logs and tests; binary payloads read as replacement characters). */
    @JsonIgnore
    public String payloadText() {
        byte[] payload = payload();
        return payload == null ? null : new String(payload, StandardCharsets.UTF_8);
    }
}
