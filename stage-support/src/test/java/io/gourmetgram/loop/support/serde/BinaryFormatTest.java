package io.gourmetgram.loop.support.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
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

    /** The writer fills its own array; the bytes must stay those of DataOutputStream, which wrote them before. */
    @Test
    void theBytesAreThoseDataOutputStreamWrites() throws Exception {
        String text = "a\u0000é€😀" + "x".repeat(300);
        BinaryFormat<String> everything = BinaryFormat.of(
                "S",
                1,
                (out, s) -> out.writeByte(200)
                        .writeBoolean(true)
                        .writeInt(-123_456_789)
                        .writeLong(Long.MIN_VALUE + 7)
                        .writeDouble(Double.NaN)
                        .writeDouble(-0.1)
                        .writeShortString(s)
                        .writeString(s),
                BinaryInput::readString);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        try (DataOutputStream data = new DataOutputStream(expected)) {
            data.writeByte(1);
            data.writeByte(200);
            data.writeBoolean(true);
            data.writeInt(-123_456_789);
            data.writeLong(Long.MIN_VALUE + 7);
            data.writeDouble(Double.NaN);
            data.writeDouble(-0.1);
            data.writeUTF(text);
            byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
            data.writeInt(utf8.length);
            data.write(utf8);
        }

        assertThat(everything.serialize("t", text)).isEqualTo(expected.toByteArray());
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
