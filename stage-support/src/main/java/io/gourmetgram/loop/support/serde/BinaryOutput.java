package io.gourmetgram.loop.support.serde;

import java.io.DataOutputStream;
import java.io.UTFDataFormatException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;

/**
 * Writes the fields of a {@link BinaryFormat} value: big-endian fixed-width numbers (as
 * {@link DataOutputStream}), strings in one of two documented forms, and "absent" as a leading
 * {@code false} byte. Each stage describes its own types with these calls; the rules live here once.
 *
 * <p>Writes into a plain growing array rather than through {@link DataOutputStream}: the streams'
 * synchronised per-call writes were a third of a Streams stage's CPU when its store values are
 * written for every record (accuracy-streams README, Throughput). The bytes are the same.
 */
public final class BinaryOutput {

    private byte[] bytes = new byte[256];
    private int size;

    /** How one value of a type is written; a stage passes these for its nested types, lists and maps. */
    @FunctionalInterface
    public interface Writer<T> {
        void write(BinaryOutput out, T value);
    }

    BinaryOutput() {}

    public BinaryOutput writeByte(int value) {
        room(1);
        bytes[size++] = (byte) value;
        return this;
    }

    public BinaryOutput writeBoolean(boolean value) {
        return writeByte(value ? 1 : 0);
    }

    public BinaryOutput writeInt(int value) {
        room(4);
        bytes[size] = (byte) (value >>> 24);
        bytes[size + 1] = (byte) (value >>> 16);
        bytes[size + 2] = (byte) (value >>> 8);
        bytes[size + 3] = (byte) value;
        size += 4;
        return this;
    }

    public BinaryOutput writeLong(long value) {
        room(8);
        for (int shift = 56, i = size; shift >= 0; shift -= 8, i++) {
            bytes[i] = (byte) (value >>> shift);
        }
        size += 8;
        return this;
    }

    public BinaryOutput writeDouble(double value) {
        return writeLong(Double.doubleToLongBits(value));
    }

    /** UTF-8 after an int length, -1 for null; any length. */
    public BinaryOutput writeString(String value) {
        if (value == null) {
            return writeInt(-1);
        }
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        writeInt(utf8.length);
        room(utf8.length);
        System.arraycopy(utf8, 0, bytes, size, utf8.length);
        size += utf8.length;
        return this;
    }

    /**
     * {@link DataOutputStream#writeUTF}: modified UTF-8 after a two-byte length, never null, at most
     * 65,535 bytes (longer fails the write). Compact for names and ids.
     */
    public BinaryOutput writeShortString(String value) {
        int length = value.length();
        int utf = 0;
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            utf += c >= 0x0001 && c <= 0x007F ? 1 : c > 0x07FF ? 3 : 2;
        }
        if (utf > 65_535) {
            throw new UncheckedIOException(
                    new UTFDataFormatException("a short string of " + utf + " bytes: too long (at most 65,535)"));
        }
        room(2 + utf);
        bytes[size++] = (byte) (utf >>> 8);
        bytes[size++] = (byte) utf;
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            if (c >= 0x0001 && c <= 0x007F) {
                bytes[size++] = (byte) c;
            } else if (c > 0x07FF) {
                bytes[size++] = (byte) (0xE0 | ((c >> 12) & 0x0F));
                bytes[size++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                bytes[size++] = (byte) (0x80 | (c & 0x3F));
            } else {
                bytes[size++] = (byte) (0xC0 | ((c >> 6) & 0x1F));
                bytes[size++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        return this;
    }

    /** Seconds then nanoseconds, so the instant comes back exactly. */
    public BinaryOutput writeInstant(Instant value) {
        return writeLong(value.getEpochSecond()).writeInt(value.getNano());
    }

    /** A presence byte, then the value if present. */
    public <T> BinaryOutput writeOptional(T value, Writer<? super T> writer) {
        writeBoolean(value != null);
        if (value != null) {
            writer.write(this, value);
        }
        return this;
    }

    /** An int count, then each element. */
    public <T> BinaryOutput writeAll(Collection<? extends T> values, Writer<? super T> writer) {
        writeInt(values.size());
        for (T value : values) {
            writer.write(this, value);
        }
        return this;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(bytes, size);
    }

    private void room(int more) {
        if (size + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
        }
    }
}
