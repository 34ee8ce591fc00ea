package io.gourmetgram.loop.support.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import io.gourmetgram.loop.events.DeadLetter;
import io.gourmetgram.loop.events.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/** Whatever a bad record looks like, its dead letter can be written (Kafka's default limit is 1 MB). */
class DeadLettersTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-30T12:00:00Z"), ZoneOffset.UTC);
    private static final int KAFKA_DEFAULT_MAX_RECORD = 1024 * 1024;

    @Test
    void corruptBytesAreKeptOnceAndExactly() {
        byte[] corrupt = {(byte) 0xff, 0x00, (byte) 0xfe, '{'};

        DeadLetter letter = DeadLetters.describe(
                "inference-processor",
                "uploads",
                2,
                9,
                "u-1".getBytes(StandardCharsets.UTF_8),
                corrupt,
                null,
                new IllegalArgumentException("not an Upload"),
                CLOCK);

        assertThat(letter.payload()).isEqualTo(corrupt);
        assertThat(letter.valueBytes()).isEqualTo(4);
        assertThat(letter.valueTruncated()).isFalse();
        assertThat(letter.valueSha256()).hasSize(64);
        assertThat(new String(Topics.INFERENCE_DEAD_LETTER.valueSerde().serialize("t", letter), StandardCharsets.UTF_8))
                .as("the payload is stored once, as base64")
                .doesNotContain("\"value\":");
    }

    @Test
    void noPartOfAHugeRecordCanMakeItsDeadLetterTooLarge() {
        byte[] key = filled(2 * KAFKA_DEFAULT_MAX_RECORD, 'k');
        byte[] value = filled(5 * KAFKA_DEFAULT_MAX_RECORD, 'v');
        RecordHeaders headers = new RecordHeaders();
        for (int i = 0; i < 100; i++) {
            headers.add("h" + i, filled(64 * 1024, 'h'));
        }
        String hugeMessage = "x".repeat(KAFKA_DEFAULT_MAX_RECORD);

        DeadLetter letter = DeadLetters.describe(
                "sampling-streams",
                "feedback",
                0,
                1,
                key,
                value,
                headers,
                new IllegalStateException(hugeMessage),
                CLOCK);
        ProducerRecord<byte[], byte[]> record = DeadLetters.toRecord(Topics.SAMPLING_DEAD_LETTER, key, letter);

        assertThat(record.key().length + record.value().length).isLessThan(KAFKA_DEFAULT_MAX_RECORD);
        assertThat(letter.valueBytes()).isEqualTo(value.length);
        assertThat(letter.valueTruncated()).isTrue();
        assertThat(letter.payload()).isEqualTo(Arrays.copyOf(value, DeadLetters.PAYLOAD_CAP_BYTES));
    }

    @Test
    void aNullValueHasNoPayloadSizeOrDigest() {
        DeadLetter letter =
                DeadLetters.describe("s", "t", 0, 0, null, null, null, new RuntimeException("tombstone"), CLOCK);

        assertThat(letter.payload()).isNull();
        assertThat(letter.valueBytes()).isNull();
        assertThat(letter.valueSha256()).isNull();
    }

    private static byte[] filled(int size, char c) {
        byte[] bytes = new byte[size];
        Arrays.fill(bytes, (byte) c);
        return bytes;
    }
}
