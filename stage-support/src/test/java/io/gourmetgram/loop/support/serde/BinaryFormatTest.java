package io.gourmetgram.loop.support.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class BinaryFormatTest {

    record Visit(String id, String note, Instant at, Double score, List<String> tags, String longText) {}

    private static final BinaryFormat<Visit> VISITS = BinaryFormat.of(
            "Visit",
            3,
            (out, v) -> out.writeShortString(v.id())
                    .writeString(v.note())
                    .writeOptional(v.at(), BinaryOutput::writeInstant)
                    .writeOptional(v.score(), BinaryOutput::writeDouble)
                    .writeAll(v.tags(), BinaryOutput::writeShortString)
                    .writeString(v.longText()),
            in -> new Visit(
                    in.readShortString(),
                    in.readString(),
                    in.readOptional(BinaryInput::readInstant),
                    in.readOptional(BinaryInput::readDouble),
                    in.readAll(BinaryInput::readShortString),
                    in.readString()));

    @Test
    void everyKindOfFieldComesBackEqualIncludingAbsentOnesAndNanoseconds() {
        Visit full = new Visit(
                "u-1",
                "crème brûlée",
                Instant.ofEpochSecond(1_700_000_000L, 123_456_789),
                0.25,
                List.of("a", "ü"),
                "x".repeat(70_000));
        Visit sparse = new Visit("", null, null, null, List.of(), "");

        assertThat(VISITS.deserialize("t", VISITS.serialize("t", full))).isEqualTo(full);
        assertThat(VISITS.deserialize("t", VISITS.serialize("t", sparse))).isEqualTo(sparse);
        assertThat(VISITS.serialize("t", null)).isNull();
        assertThat(VISITS.deserialize("t", null)).isNull();
    }

    /** The stages' stores hold bytes written by these rules; changing them needs a new version. */
    @Test
    void theWrittenBytesFollowTheDocumentedRules() {
        BinaryFormat<String> strings = BinaryFormat.of(
                "S",
                1,
                (out, s) -> out.writeString(s).writeShortString(s).writeOptional(null, BinaryOutput::writeInt),
                BinaryInput::readString);
        BinaryFormat<String> nothing =
                BinaryFormat.of("S", 2, (out, s) -> out.writeString(null), BinaryInput::readString);

        assertThat(strings.serialize("t", "é")).containsExactly(1, 0, 0, 0, 2, 0xC3, 0xA9, 0, 2, 0xC3, 0xA9, 0);
        assertThat(nothing.serialize("t", "ignored")).containsExactly(2, 0xFF, 0xFF, 0xFF, 0xFF);
        assertThat(VISITS.version()).isEqualTo((byte) 3);
    }

    /** Stores written before BinaryOutput stopped using DataOutputStream must read back the same. */
    @Test
    void numbersAndShortStringsAreByteForByteWhatDataOutputStreamWrites() throws Exception {
        List<String> names =
                List.of("", "food11-demo", "é", "nul\u0000char", "€uro", "emoji \uD83C\uDF5C", "x".repeat(300));
        BinaryFormat<String> format = BinaryFormat.of(
                "S",
                1,
                (out, s) -> out.writeShortString(s)
                        .writeInt(-123_456)
                        .writeLong(Long.MIN_VALUE + 7)
                        .writeDouble(-0.1)
                        .writeBoolean(true)
                        .writeByte(200),
                in -> {
                    String s = in.readShortString();
                    assertThat(in.readInt()).isEqualTo(-123_456);
                    assertThat(in.readLong()).isEqualTo(Long.MIN_VALUE + 7);
                    assertThat(in.readDouble()).isEqualTo(-0.1);
                    assertThat(in.readBoolean()).isTrue();
                    assertThat(in.readUnsignedByte()).isEqualTo(200);
                    return s;
                });
        for (String name : names) {
            java.io.ByteArrayOutputStream expected = new java.io.ByteArrayOutputStream();
            try (java.io.DataOutputStream data = new java.io.DataOutputStream(expected)) {
                data.writeByte(1);
                data.writeUTF(name);
                data.writeInt(-123_456);
                data.writeLong(Long.MIN_VALUE + 7);
                data.writeDouble(-0.1);
                data.writeBoolean(true);
                data.writeByte(200);
            }

            assertThat(format.serialize("t", name)).as(name).isEqualTo(expected.toByteArray());
            assertThat(format.deserialize("t", expected.toByteArray())).isEqualTo(name);
        }
    }

    @Test
    void truncatedBytesFailNamingTheTypeAndTopicNeverAPartialValue() {
        byte[] whole = VISITS.serialize("t", new Visit("u-1", "note", Instant.EPOCH, 1.0, List.of("a"), "z"));

        for (int cut = 1; cut < whole.length; cut++) {
            byte[] truncated = Arrays.copyOf(whole, cut);
            assertThatThrownBy(() -> VISITS.deserialize("visits-changelog", truncated))
                    .as("cut at %d of %d bytes", cut, whole.length)
                    .isInstanceOf(SerializationException.class)
                    .hasMessageContaining("Visit")
                    .hasMessageContaining("visits-changelog")
                    .hasMessageContaining("corrupt or truncated");
        }
    }

    @Test
    void anotherVersionJsonOrNothingIsRefusedNotMisread() {
        byte[] json = "{\"id\":\"u-1\"}".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> VISITS.deserialize("t", json))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("Visit")
                .hasMessageContaining("unknown format");
        assertThatThrownBy(() -> VISITS.deserialize("t", new byte[] {1, 0, 0}))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("first byte 1, expected format 3");
        assertThatThrownBy(() -> VISITS.deserialize("t", new byte[0]))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("first byte none");
    }

    @Test
    void aNameTooLongForTheShortFormFailsTheWriteInsteadOfBeingCut() {
        Visit tooLong = new Visit("x".repeat(70_000), null, null, null, List.of(), null);

        assertThatThrownBy(() -> VISITS.serialize("t", tooLong))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("Cannot write Visit");
    }
}
