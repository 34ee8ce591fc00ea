package io.gourmetgram.loop.sampling.topology;

import io.gourmetgram.loop.events.JsonSerde;
import io.gourmetgram.loop.events.ModelRef;
import io.gourmetgram.loop.events.ObjectRef;
import io.gourmetgram.loop.events.Prediction;
import io.gourmetgram.loop.events.RequestState;
import io.gourmetgram.loop.events.ReviewReason;
import io.gourmetgram.loop.events.ScoredLabel;
import io.gourmetgram.loop.sampling.budget.HourlyCount;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The binary form of the topology's own state (its stores and their changelogs, which nothing
 * outside this stage reads). JSON through Jackson took a third of the stream thread's CPU, most of
 * it writing every upload's {@link ReviewState}; this form is written field by field. Values that
 * earlier versions wrote as JSON (first byte {@code '{'}) are still read, so a stage upgraded in
 * place restores its old changelogs. Public topics keep their JSON schemas.
 *
 * <p>Adding a field to {@link Prediction}, {@link ReviewState} or the others means adding it here
 * ({@code StateSerdeTest} fails until then).
 */
final class StateSerde<T> implements Serde<T>, Serializer<T>, Deserializer<T> {

    /** First byte of every value in this form; JSON values start with '{'. */
    private static final byte FORMAT_1 = 1;

    static final StateSerde<ReviewState> REVIEW_STATE =
            new StateSerde<>(ReviewState.class, StateSerde::writeReviewState, StateSerde::readReviewState);
    static final StateSerde<ReviewState.EarlyFeedback> EARLY_FEEDBACK = new StateSerde<>(
            ReviewState.EarlyFeedback.class, StateSerde::writeEarlyFeedback, StateSerde::readEarlyFeedback);
    static final StateSerde<HourlyCount> HOURLY_COUNT =
            new StateSerde<>(HourlyCount.class, StateSerde::writeHourlyCount, StateSerde::readHourlyCount);

    private interface Writer<T> {
        void write(T value, DataOutputStream out) throws IOException;
    }

    private interface Reader<T> {
        T read(DataInputStream in) throws IOException;
    }

    private final Class<T> type;
    private final Writer<T> writer;
    private final Reader<T> reader;
    private final JsonSerde<T> formerJson;

    private StateSerde(Class<T> type, Writer<T> writer, Reader<T> reader) {
        this.type = type;
        this.writer = writer;
        this.reader = reader;
        this.formerJson = JsonSerde.of(type);
    }

    @Override
    public byte[] serialize(String topic, T value) {
        if (value == null) {
            return null;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT_1);
            writer.write(value, out);
        } catch (IOException e) {
            throw new SerializationException("Cannot write " + type.getSimpleName(), e);
        }
        return bytes.toByteArray();
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        if (data.length > 0 && data[0] == '{') {
            return formerJson.deserialize(topic, data);
        }
        if (data.length == 0 || data[0] != FORMAT_1) {
            throw new SerializationException("Stored " + type.getSimpleName() + " on '" + topic
                    + "' is in an unknown format (first byte " + (data.length == 0 ? "none" : data[0]) + ")");
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data, 1, data.length - 1))) {
            return reader.read(in);
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("Stored " + type.getSimpleName() + " on '" + topic + "' is corrupt", e);
        }
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {}

    @Override
    public void close() {}

    @Override
    public Serializer<T> serializer() {
        return this;
    }

    @Override
    public Deserializer<T> deserializer() {
        return this;
    }

    private static void writeReviewState(ReviewState state, DataOutputStream out) throws IOException {
        writePrediction(state.prediction(), out);
        out.writeByte(state.reasons().size());
        for (ReviewReason reason : state.reasons()) {
            writeString(reason.name(), out);
        }
        writeString(state.correction(), out);
        out.writeInt(state.revision());
        writeString(state.state() == null ? null : state.state().name(), out);
        writeInstant(state.requestedAt(), out);
    }

    private static ReviewState readReviewState(DataInputStream in) throws IOException {
        Prediction prediction = readPrediction(in);
        int reasonCount = in.readUnsignedByte();
        Set<ReviewReason> reasons = EnumSet.noneOf(ReviewReason.class);
        for (int i = 0; i < reasonCount; i++) {
            reasons.add(ReviewReason.valueOf(readString(in)));
        }
        String correction = readString(in);
        int revision = in.readInt();
        String state = readString(in);
        Instant requestedAt = readInstant(in);
        return new ReviewState(
                prediction,
                reasons,
                correction,
                revision,
                state == null ? null : RequestState.valueOf(state),
                requestedAt);
    }

    private static void writePrediction(Prediction p, DataOutputStream out) throws IOException {
        out.writeBoolean(p != null);
        if (p == null) {
            return;
        }
        out.writeInt(p.schemaVersion());
        writeString(p.uploadId(), out);
        out.writeBoolean(p.object() != null);
        if (p.object() != null) {
            writeString(p.object().bucket(), out);
            writeString(p.object().key(), out);
        }
        out.writeBoolean(p.model() != null);
        if (p.model() != null) {
            writeString(p.model().id(), out);
            writeString(p.model().version(), out);
        }
        writeString(p.label(), out);
        out.writeInt(p.labelIndex());
        out.writeDouble(p.confidence());
        out.writeInt(p.topK().size());
        for (ScoredLabel scored : p.topK()) {
            writeString(scored.label(), out);
            out.writeInt(scored.index());
            out.writeDouble(scored.probability());
        }
        out.writeDouble(p.inferenceMillis());
        writeInstant(p.scoredAt(), out);
    }

    private static Prediction readPrediction(DataInputStream in) throws IOException {
        if (!in.readBoolean()) {
            return null;
        }
        int schemaVersion = in.readInt();
        String uploadId = readString(in);
        ObjectRef object = in.readBoolean() ? new ObjectRef(readString(in), readString(in)) : null;
        ModelRef model = in.readBoolean() ? new ModelRef(readString(in), readString(in)) : null;
        String label = readString(in);
        int labelIndex = in.readInt();
        double confidence = in.readDouble();
        int k = in.readInt();
        List<ScoredLabel> topK = new ArrayList<>(k);
        for (int i = 0; i < k; i++) {
            topK.add(new ScoredLabel(readString(in), in.readInt(), in.readDouble()));
        }
        double inferenceMillis = in.readDouble();
        Instant scoredAt = readInstant(in);
        return new Prediction(
                schemaVersion, uploadId, object, model, label, labelIndex, confidence, topK, inferenceMillis, scoredAt);
    }

    private static void writeEarlyFeedback(ReviewState.EarlyFeedback waiting, DataOutputStream out) throws IOException {
        out.writeBoolean(waiting.flagged());
        writeString(waiting.latestCorrection(), out);
        out.writeLong(waiting.count());
        out.writeLong(waiting.firstSeenMillis());
    }

    private static ReviewState.EarlyFeedback readEarlyFeedback(DataInputStream in) throws IOException {
        return new ReviewState.EarlyFeedback(in.readBoolean(), readString(in), in.readLong(), in.readLong());
    }

    private static void writeHourlyCount(HourlyCount count, DataOutputStream out) throws IOException {
        out.writeLong(count.selected());
        out.writeLong(count.admitted());
    }

    private static HourlyCount readHourlyCount(DataInputStream in) throws IOException {
        return new HourlyCount(in.readLong(), in.readLong());
    }

    /** Length-prefixed UTF-8 (-1 = null); unlike writeUTF, not limited to 64 KB. */
    private static void writeString(String value, DataOutputStream out) throws IOException {
        if (value == null) {
            out.writeInt(-1);
            return;
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static String readString(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0) {
            return null;
        }
        return new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    private static void writeInstant(Instant at, DataOutputStream out) throws IOException {
        out.writeBoolean(at != null);
        if (at != null) {
            out.writeLong(at.getEpochSecond());
            out.writeInt(at.getNano());
        }
    }

    private static Instant readInstant(DataInputStream in) throws IOException {
        return in.readBoolean() ? Instant.ofEpochSecond(in.readLong(), in.readInt()) : null;
    }
}
