package io.gourmetgram.loop.sampling.topology;

import io.gourmetgram.loop.events.JsonSerde;
import io.gourmetgram.loop.events.ModelRef;
import io.gourmetgram.loop.events.ObjectRef;
import io.gourmetgram.loop.events.Prediction;
import io.gourmetgram.loop.events.RequestState;
import io.gourmetgram.loop.events.ReviewReason;
import io.gourmetgram.loop.events.ScoredLabel;
import io.gourmetgram.loop.sampling.budget.HourlyCount;
import io.gourmetgram.loop.support.serde.BinaryFormat;
import io.gourmetgram.loop.support.serde.BinaryInput;
import io.gourmetgram.loop.support.serde.BinaryOutput;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;
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
final class StateSerde<T> implements Serde<T> {

    /** Stage-support {@link BinaryFormat} version 1: any-length strings, absent values behind a presence byte. */
    private static final int FORMAT_1 = 1;

    static final StateSerde<ReviewState> REVIEW_STATE =
            new StateSerde<>(ReviewState.class, StateSerde::writeReviewState, StateSerde::readReviewState);
    static final StateSerde<ReviewState.EarlyFeedback> EARLY_FEEDBACK = new StateSerde<>(
            ReviewState.EarlyFeedback.class, StateSerde::writeEarlyFeedback, StateSerde::readEarlyFeedback);
    static final StateSerde<HourlyCount> HOURLY_COUNT =
            new StateSerde<>(HourlyCount.class, StateSerde::writeHourlyCount, StateSerde::readHourlyCount);

    private final BinaryFormat<T> binary;
    private final JsonSerde<T> formerJson;

    private StateSerde(Class<T> type, BinaryOutput.Writer<T> writer, BinaryInput.Reader<T> reader) {
        this.binary = BinaryFormat.of(type.getSimpleName(), FORMAT_1, writer, reader);
        this.formerJson = JsonSerde.of(type);
    }

    public byte[] serialize(String topic, T value) {
        return binary.serialize(topic, value);
    }

    public T deserialize(String topic, byte[] data) {
        if (data != null && data.length > 0 && data[0] == '{') {
            return formerJson.deserialize(topic, data);
        }
        return binary.deserialize(topic, data);
    }

    @Override
    public Serializer<T> serializer() {
        return this::serialize;
    }

    @Override
    public Deserializer<T> deserializer() {
        return this::deserialize;
    }

    private static void writeReviewState(BinaryOutput out, ReviewState state) {
        out.writeOptional(state.prediction(), StateSerde::writePrediction);
        out.writeByte(state.reasons().size());
        for (ReviewReason reason : state.reasons()) {
            out.writeString(reason.name());
        }
        out.writeString(state.correction());
        out.writeInt(state.revision());
        out.writeString(state.state() == null ? null : state.state().name());
        out.writeOptional(state.requestedAt(), BinaryOutput::writeInstant);
    }

    private static ReviewState readReviewState(BinaryInput in) {
        Prediction prediction = in.readOptional(StateSerde::readPrediction);
        int reasonCount = in.readUnsignedByte();
        Set<ReviewReason> reasons = EnumSet.noneOf(ReviewReason.class);
        for (int i = 0; i < reasonCount; i++) {
            reasons.add(ReviewReason.valueOf(in.readString()));
        }
        String correction = in.readString();
        int revision = in.readInt();
        String state = in.readString();
        Instant requestedAt = in.readOptional(BinaryInput::readInstant);
        return new ReviewState(
                prediction,
                reasons,
                correction,
                revision,
                state == null ? null : RequestState.valueOf(state),
                requestedAt);
    }

    private static void writePrediction(BinaryOutput out, Prediction p) {
        out.writeInt(p.schemaVersion());
        out.writeString(p.uploadId());
        out.writeOptional(
                p.object(), (o, object) -> o.writeString(object.bucket()).writeString(object.key()));
        out.writeOptional(p.model(), (o, model) -> o.writeString(model.id()).writeString(model.version()));
        out.writeString(p.label());
        out.writeInt(p.labelIndex());
        out.writeDouble(p.confidence());
        out.writeAll(
                p.topK(),
                (o, scored) ->
                        o.writeString(scored.label()).writeInt(scored.index()).writeDouble(scored.probability()));
        out.writeDouble(p.inferenceMillis());
        out.writeOptional(p.scoredAt(), BinaryOutput::writeInstant);
    }

    private static Prediction readPrediction(BinaryInput in) {
        int schemaVersion = in.readInt();
        String uploadId = in.readString();
        ObjectRef object = in.readOptional(i -> new ObjectRef(i.readString(), i.readString()));
        ModelRef model = in.readOptional(i -> new ModelRef(i.readString(), i.readString()));
        String label = in.readString();
        int labelIndex = in.readInt();
        double confidence = in.readDouble();
        var topK = in.readAll(i -> new ScoredLabel(i.readString(), i.readInt(), i.readDouble()));
        double inferenceMillis = in.readDouble();
        Instant scoredAt = in.readOptional(BinaryInput::readInstant);
        return new Prediction(
                schemaVersion, uploadId, object, model, label, labelIndex, confidence, topK, inferenceMillis, scoredAt);
    }

    private static void writeEarlyFeedback(BinaryOutput out, ReviewState.EarlyFeedback waiting) {
        out.writeBoolean(waiting.flagged());
        out.writeString(waiting.latestCorrection());
        out.writeLong(waiting.count());
        out.writeLong(waiting.firstSeenMillis());
    }

    private static ReviewState.EarlyFeedback readEarlyFeedback(BinaryInput in) {
        return new ReviewState.EarlyFeedback(in.readBoolean(), in.readString(), in.readLong(), in.readLong());
    }

    private static void writeHourlyCount(BinaryOutput out, HourlyCount count) {
        out.writeLong(count.selected());
        out.writeLong(count.admitted());
    }

    private static HourlyCount readHourlyCount(BinaryInput in) {
        return new HourlyCount(in.readLong(), in.readLong());
    }
}
