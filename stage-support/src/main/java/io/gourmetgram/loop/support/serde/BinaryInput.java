package io.gourmetgram.loop.support.serde;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Reads what {@link BinaryOutput} wrote, call for call; running out of bytes fails, never guesses. */
public final class BinaryInput {

    private final DataInputStream in;

    /** How one value of a type is read; the mirror of a {@link BinaryOutput.Writer}. */
    @FunctionalInterface
    public interface Reader<T> {
        T read(BinaryInput in);
    }

    BinaryInput(byte[] data, int offset) {
        this.in = new DataInputStream(new ByteArrayInputStream(data, offset, data.length - offset));
    }

    public byte readByte() {
        return read(in::readByte);
    }

    public int readUnsignedByte() {
        return read(in::readUnsignedByte);
    }

    public boolean readBoolean() {
        return read(in::readBoolean);
    }

    public int readInt() {
        return read(in::readInt);
    }

    public long readLong() {
        return read(in::readLong);
    }

    public double readDouble() {
        return read(in::readDouble);
    }

    /** See {@link BinaryOutput#writeString}. */
    public String readString() {
        int length = readInt();
        if (length < 0) {
            return null;
        }
        byte[] utf8 = read(() -> in.readNBytes(length));
        if (utf8.length < length) {
            throw new UncheckedIOException(new EOFException("string of " + length + " bytes cut at " + utf8.length));
        }
        return new String(utf8, StandardCharsets.UTF_8);
    }

    /** See {@link BinaryOutput#writeShortString}. */
    public String readShortString() {
        return read(in::readUTF);
    }

    public Instant readInstant() {
        long seconds = readLong();
        return Instant.ofEpochSecond(seconds, readInt());
    }

    /** See {@link BinaryOutput#writeOptional}; null when absent. */
    public <T> T readOptional(Reader<? extends T> reader) {
        return readBoolean() ? reader.read(this) : null;
    }

    /** See {@link BinaryOutput#writeAll}; an unmodifiable list. */
    public <T> List<T> readAll(Reader<? extends T> reader) {
        int count = readInt();
        if (count < 0) {
            throw new IllegalStateException("negative count " + count);
        }
        List<T> values = new ArrayList<>(Math.min(count, 1024));
        for (int i = 0; i < count; i++) {
            values.add(reader.read(this));
        }
        return List.copyOf(values);
    }

    private interface Read<T> {
        T run() throws IOException;
    }

    private static <T> T read(Read<T> read) {
        try {
            return read.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
