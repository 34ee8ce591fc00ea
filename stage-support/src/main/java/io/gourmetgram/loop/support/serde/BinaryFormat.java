package io.gourmetgram.loop.support.serde;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The binary form of one type in a stage's own topics and stores (never a public topic: those stay
 * JSON). One version byte, then the fields as the stage's writer puts them with {@link BinaryOutput}.
 * A value of another version, or cut short, or otherwise unreadable, fails with a
 * {@link SerializationException} naming the type and topic. Read from an internal topic, the
 * {@code StreamsErrorPolicy} deserialization handler dead-letters that record. Read from a store (Kafka
 * Streams 4.1 restores changelog bytes without reading them, so only a processor's read meets them),
 * it is a processing error: the record being processed is dead-lettered with this message, and the
 * stored value stays, so every later record for that key is dead-lettered too until it is overwritten
 * or the store is reset; nothing blocks and nothing is dropped silently.
 */
public final class BinaryFormat<T> implements Serde<T> {

    private final String type;
    private final byte version;
    private final BinaryOutput.Writer<? super T> writer;
    private final BinaryInput.Reader<? extends T> reader;

    private BinaryFormat(
            String type, byte version, BinaryOutput.Writer<? super T> writer, BinaryInput.Reader<? extends T> reader) {
        this.type = type;
        this.version = version;
        this.writer = writer;
        this.reader = reader;
    }

    /** {@code type} names the values in error messages; {@code version} is the first byte of each. */
    public static <T> BinaryFormat<T> of(
            String type, int version, BinaryOutput.Writer<? super T> writer, BinaryInput.Reader<? extends T> reader) {
        if (version < 1 || version > 127) {
            throw new IllegalArgumentException("version must be 1..127 (the first byte; '{' is JSON): " + version);
        }
        return new BinaryFormat<>(type, (byte) version, writer, reader);
    }

    /** The first byte of every value written in this form. */
    public byte version() {
        return version;
    }

    public byte[] serialize(String topic, T value) {
        if (value == null) {
            return null;
        }
        BinaryOutput out = new BinaryOutput();
        try {
            out.writeByte(version);
            writer.write(out, value);
        } catch (RuntimeException e) {
            throw new SerializationException("Cannot write " + type + " to '" + topic + "': " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        if (data.length == 0 || data[0] != version) {
            throw new SerializationException(
                    "Stored " + type + " on '" + topic + "' is in an unknown format (first byte "
                            + (data.length == 0 ? "none" : data[0]) + ", expected format " + version + ")");
        }
        try {
            return reader.read(new BinaryInput(data, 1));
        } catch (RuntimeException e) {
            throw new SerializationException(
                    "Stored " + type + " on '" + topic + "' is corrupt or truncated (" + data.length + " bytes): " + e,
                    e);
        }
    }

    @Override
    public Serializer<T> serializer() {
        return this::serialize;
    }

    @Override
    public Deserializer<T> deserializer() {
        return this::deserialize;
    }
}
