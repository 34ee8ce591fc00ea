package io.gourmetgram.loop.support.serde;

import java.io.DataOutputStream;
import java.io.UTFDataFormatException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;

/**
 * Writes the fields of a {@link BinaryFormat} value: big-endian fixed-width numbers (as
 * {@link DataOutputStream}), strings in one of two documented forms, and "absent" as a leading
 * {@code false} byte. Each stage describes its own types with these calls; the rules live here once.
 */
public final class BinaryOutput {

    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    // Straight into an array: through DataOutputStream over ByteArrayOutputStream (synchronized writes,
    // a lambda per field) writing sampling-streams' review state cost about twice as much.
    private byte[] bytes = new byte[256];
    private int size;

    /** How one value of a type is written; a stage passes these for its nested types, lists and maps. */
    @FunctionalInterface
    public interface Writer<T> {
        void write(BinaryOutput out, T value);
    }

    BinaryOutput() {}

    public BinaryOutput writeByte(int value) {
        ensure(1);
        bytes[size++] = (byte) value;
        return this;
    }

    public BinaryOutput writeBoolean(boolean value) {
        return writeByte(value ? 1 : 0);
    }

    public BinaryOutput writeInt(int value) {
        ensure(4);
        INT.set(bytes, size, value);
        size += 4;
        return this;
    }

    public BinaryOutput writeLong(long value) {
        ensure(8);
        LONG.set(bytes, size, value);
        size += 8;
        return this;
    }

    /** As {@link DataOutputStream#writeDouble}: the IEEE 754 bits, NaN in its canonical form. */
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
        ensure(utf8.length);
        System.arraycopy(utf8, 0, bytes, size, utf8.length);
        size += utf8.length;
        return this;
    }

    /**
     * {@link DataOutputStream#writeUTF}: modified UTF-8 after a two-byte length, never null, at most
     * 65,535 bytes (longer fails the write). Compact for names and ids.
     */
    public BinaryOutput writeShortString(String value) {
        int length = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            length += c >= 0x0001 && c <= 0x007F ? 1 : c <= 0x07FF ? 2 : 3;
        }
        if (length > 65_535) {
            throw new UncheckedIOException(new UTFDataFormatException("encoded string too long: " + length + " bytes"));
        }
        ensure(2 + length);
        bytes[size++] = (byte) (length >>> 8);
        bytes[size++] = (byte) length;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c >= 0x0001 && c <= 0x007F) {
                bytes[size++] = (byte) c;
            } else if (c <= 0x07FF) {
                bytes[size++] = (byte) (0xC0 | (c >> 6));
                bytes[size++] = (byte) (0x80 | (c & 0x3F));
            } else {
                bytes[size++] = (byte) (0xE0 | (c >> 12));
                bytes[size++] = (byte) (0x80 | ((c >> 6) & 0x3F));
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

    private void ensure(int more) {
        if (size + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
        }
    }
}
