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

/**
 * Reads what {@link BinaryOutput} wrote, call for call; running out of bytes fails, never guesses.
 * Reads the array directly (big-endian, as {@link DataInputStream}) rather than through the streams'
 * synchronised calls.
 */
public final class BinaryInput {

    private final byte[] data;
    private int position;

    /** How one value of a type is read; the mirror of a {@link BinaryOutput.Writer}. */
    @FunctionalInterface
    public interface Reader<T> {
        T read(BinaryInput in);
    }

    BinaryInput(byte[] data, int offset) {
        this.data = data;
        this.position = offset;
    }

    public byte readByte() {
        need(1);
        return data[position++];
    }

    public int readUnsignedByte() {
        return readByte() & 0xFF;
    }

    public boolean readBoolean() {
        return readByte() != 0;
    }

    public int readInt() {
        need(4);
        int value = ((data[position] & 0xFF) << 24)
                | ((data[position + 1] & 0xFF) << 16)
                | ((data[position + 2] & 0xFF) << 8)
                | (data[position + 3] & 0xFF);
        position += 4;
        return value;
    }

    public long readLong() {
        need(8);
        long value = 0;
        for (int i = 0; i < 8; i++) {
            value = (value << 8) | (data[position + i] & 0xFF);
        }
        position += 8;
        return value;
    }

    public double readDouble() {
        return Double.longBitsToDouble(readLong());
    }

    /** See {@link BinaryOutput#writeString}. */
    public String readString() {
        int length = readInt();
        if (length < 0) {
            return null;
        }
        if (length > data.length - position) {
            throw new UncheckedIOException(
                    new EOFException("string of " + length + " bytes cut at " + (data.length - position)));
        }
        String value = new String(data, position, length, StandardCharsets.UTF_8);
        position += length;
        return value;
    }

    /** See {@link BinaryOutput#writeShortString}. */
    public String readShortString() {
        need(2);
        int length = ((data[position] & 0xFF) << 8) | (data[position + 1] & 0xFF);
        need(2 + length);
        int start = position + 2;
        for (int i = start; i < start + length; i++) {
            if (data[i] < 0) { // beyond ASCII: the JDK's decoder, with its checks of malformed input
                try {
                    String value = new DataInputStream(new ByteArrayInputStream(data, position, 2 + length)).readUTF();
                    position = start + length;
                    return value;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        position = start + length;
        return new String(data, start, length, StandardCharsets.ISO_8859_1); // ASCII: one byte per char
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

    private void need(int bytes) {
        if (bytes > data.length - position) {
            throw new UncheckedIOException(
                    new EOFException("needed " + bytes + " more bytes at " + position + " of " + data.length));
        }
    }
}
