package io.gourmetgram.loop.events;

import java.time.Instant;
import java.util.Map;

/**
 * A record a stage could not process, kept with the reason so nothing accepted is lost.
 * Topic {@code <stage>-dead-letter}, key = the original key.
 *
 * @param value       the original value as UTF-8 text, or null when it is not valid UTF-8
 * @param valueBase64 the original value bytes, always, so the record can be replayed exactly
 * @param headers     original headers, values base64-encoded
 */
public record DeadLetter(
        int schemaVersion,
        String stage,
        String sourceTopic,
        int sourcePartition,
        long sourceOffset,
        String key,
        String value,
        String valueBase64,
        Map<String, String> headers,
        String errorClass,
        String errorMessage,
        Instant at) {

    public static final int SCHEMA_VERSION = 1;

    public DeadLetter {
        headers = Map.copyOf(headers);
    }
}
