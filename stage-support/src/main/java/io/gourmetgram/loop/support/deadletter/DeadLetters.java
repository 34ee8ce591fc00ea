package io.gourmetgram.loop.support.deadletter;

import io.gourmetgram.loop.events.DeadLetter;
import io.gourmetgram.loop.events.JsonSerde;
import io.gourmetgram.loop.events.topics.TopicSpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Builds dead-letter records: the original key, value and headers, the stage, and why it failed.
 * Every stage (consumer or Streams app) goes through here, so dead letters look the same everywhere.
 *
 * <p>Every part copied from the bad record is capped, so a dead letter stays far below Kafka's
 * default 1 MB record limit whatever arrived: the payload is stored once (base64) and cut above
 * {@link #PAYLOAD_CAP_BYTES}, with the original's size and SHA-256 kept to identify it.
 */
public final class DeadLetters {

    /** Most payload bytes kept; base64 makes that about 341 KiB on the wire. */
    public static final int PAYLOAD_CAP_BYTES = 256 * 1024;
    /** Most bytes kept of the key, of each header value, and characters of the error message. */
    public static final int KEY_CAP_BYTES = 1024;

    static final int HEADER_CAP_BYTES = 1024;
    static final int HEADERS_CAP = 32;
    static final int MESSAGE_CAP_CHARS = 4096;

    private static final JsonSerde<DeadLetter> SERDE = JsonSerde.of(DeadLetter.class);

    private DeadLetters() {}

    public static DeadLetter describe(
            String stage,
            String topic,
            int partition,
            long offset,
            byte[] key,
            byte[] value,
            Headers headers,
            Throwable error,
            Clock clock) {
        Map<String, String> headerMap = new LinkedHashMap<>();
        if (headers != null) {
            for (Header h : headers) {
                if (headerMap.size() == HEADERS_CAP) {
                    break;
                }
                headerMap.put(
                        h.key(),
                        h.value() == null ? "" : Base64.getEncoder().encodeToString(cut(h.value(), HEADER_CAP_BYTES)));
            }
        }
        Throwable root = rootCause(error);
        boolean truncated = value != null && value.length > PAYLOAD_CAP_BYTES;
        return new DeadLetter(
                DeadLetter.SCHEMA_VERSION,
                stage,
                topic,
                partition,
                offset,
                key == null ? null : new String(cut(key, KEY_CAP_BYTES), StandardCharsets.UTF_8),
                value == null ? null : Base64.getEncoder().encodeToString(cut(value, PAYLOAD_CAP_BYTES)),
                value == null ? null : (long) value.length,
                value == null ? null : sha256(value),
                truncated,
                headerMap,
                root.getClass().getName(),
                cut(message(error), MESSAGE_CAP_CHARS),
                clock.instant());
    }

    /**
     * The record to publish: the original key bytes as key (cut to {@link #KEY_CAP_BYTES}), so a dead
     * letter sits beside its upload.
     */
    public static ProducerRecord<byte[], byte[]> toRecord(
            TopicSpec<DeadLetter> topic, byte[] originalKey, DeadLetter letter) {
        return new ProducerRecord<>(
                topic.name(),
                originalKey == null ? null : cut(originalKey, KEY_CAP_BYTES),
                SERDE.serialize(topic.name(), letter));
    }

    /** "outer message: root message", skipping repeats, so the reason reads well in one line. */
    static String message(Throwable error) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
            if (text.indexOf(m) < 0) {
                if (!text.isEmpty()) {
                    text.append(": ");
                }
                text.append(m);
            }
        }
        return text.toString();
    }

    private static Throwable rootCause(Throwable error) {
        Throwable t = error;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    private static byte[] cut(byte[] bytes, int cap) {
        return bytes.length <= cap ? bytes : Arrays.copyOf(bytes, cap);
    }

    private static String cut(String text, int cap) {
        return text.length() <= cap ? text : text.substring(0, cap) + "… (" + text.length() + " characters)";
    }

    private static String sha256(byte[] value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
