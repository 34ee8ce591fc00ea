package io.gourmetgram.loop.events.errors;

import io.gourmetgram.loop.events.DeadLetter;
import io.gourmetgram.loop.events.JsonSerde;
import io.gourmetgram.loop.events.topics.TopicSpec;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Builds dead-letter records: the original key, value and headers, the stage, and why it failed.
 * Every stage (consumer or Streams app) goes through here, so dead letters look the same everywhere.
 */
public final class DeadLetters {

    private static final JsonSerde<DeadLetter> SERDE = JsonSerde.of(DeadLetter.class);

    private DeadLetters() {
    }

    public static DeadLetter describe(String stage, String topic, int partition, long offset, byte[] key, byte[] value,
                                      Headers headers, Throwable error, Clock clock) {
        Map<String, String> headerMap = new LinkedHashMap<>();
        if (headers != null) {
            for (Header h : headers) {
                headerMap.put(h.key(), h.value() == null ? "" : Base64.getEncoder().encodeToString(h.value()));
            }
        }
        Throwable root = rootCause(error);
        return new DeadLetter(DeadLetter.SCHEMA_VERSION, stage, topic, partition, offset,
                key == null ? null : new String(key, StandardCharsets.UTF_8),
                utf8OrNull(value),
                value == null ? null : Base64.getEncoder().encodeToString(value),
                headerMap,
                root.getClass().getName(),
                message(error),
                clock.instant());
    }

    /** The record to publish: original key bytes as key, so a dead letter sits beside its upload. */
    public static ProducerRecord<byte[], byte[]> toRecord(TopicSpec<DeadLetter> topic, byte[] originalKey, DeadLetter letter) {
        return new ProducerRecord<>(topic.name(), originalKey, SERDE.serialize(topic.name(), letter));
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

    private static String utf8OrNull(byte[] value) {
        if (value == null) {
            return null;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(value))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
