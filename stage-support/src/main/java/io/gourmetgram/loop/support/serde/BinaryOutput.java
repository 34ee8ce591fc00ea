package io.gourmetgram.loop.support.serde;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collection;

/**
 * Writes the fields of a {@link BinaryFormat} value: big-endian fixed-width numbers (as
 * {@link DataOutputStream}), strings in one of two documented forms, and "absent" as a leading
 * {@code false} byte. Each stage describes its own types with these calls; the rules live here once.
 */
public final class BinaryOutput {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    private final DataOutputStream out = new DataOutputStream(bytes);

    /** How one value of a type is written; a stage passes these for its nested types, lists and maps. */
    @FunctionalInterface
    public interface Writer<T> {
        void write(BinaryOutput out, T value);
    }

    BinaryOutput() {}

    public BinaryOutput writeByte(int value) {
        return write(() -> out.writeByte(value));
    }

    public BinaryOutput writeBoolean(boolean value) {
        return write(() -> out.writeBoolean(value));
    }

    public BinaryOutput writeInt(int value) {
        return write(() -> out.writeInt(value));
    }

    public BinaryOutput writeLong(long value) {
        return write(() -> out.writeLong(value));
    }

    public BinaryOutput writeDouble(double value) {
        return write(() -> out.writeDouble(value));
    }

    /** UTF-8 after an int length, -1 for null; any length. */
    public BinaryOutput writeString(String value) {
        if (value == null) {
            return writeInt(-1);
        }
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        writeInt(utf8.length);
        return write(() -> out.write(utf8));
    }

    /**
     * {@link DataOutputStream#writeUTF}: modified UTF-8 after a two-byte length, never null, at most
     * 65,535 bytes (longer fails the write). Compact for names and ids.
     */
    public BinaryOutput writeShortString(String value) {
        return write(() -> out.writeUTF(value));
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
        return bytes.toByteArray();
    }

    private interface Write {
        void run() throws IOException;
    }

    private BinaryOutput write(Write write) {
        try {
            write.run();
        } catch (IOException e) {
            // in memory, only a string too long for writeUTF gets here
            throw new UncheckedIOException(e);
        }
        return this;
    }
}
