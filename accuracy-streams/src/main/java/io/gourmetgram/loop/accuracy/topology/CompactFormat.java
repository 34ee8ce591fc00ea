package io.gourmetgram.loop.accuracy.topology;

import io.gourmetgram.loop.accuracy.estimate.StratumSample;
import io.gourmetgram.loop.events.AccuracyWindow.ConfidenceBand;
import io.gourmetgram.loop.events.AccuracyWindow.Tally;
import io.gourmetgram.loop.events.Annotation;
import io.gourmetgram.loop.events.AnnotationAction;
import io.gourmetgram.loop.events.JsonSerde;
import io.gourmetgram.loop.events.LabelingRequest;
import io.gourmetgram.loop.events.ModelRef;
import io.gourmetgram.loop.events.WindowType;
import io.gourmetgram.loop.support.serde.BinaryFormat;
import io.gourmetgram.loop.support.serde.BinaryInput;
import io.gourmetgram.loop.support.serde.BinaryOutput;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * A lean binary form of the topology's own records ({@link WindowDelta}, {@link WindowTotals},
 * {@link Contribution}, {@link LatestRequest}, {@link UploadAnnotations}) in its internal topics and stores: JSON of the totals was most of the stage's CPU (every update reads
 * and writes them through the store cache). Never seen outside this application; the public
 * window records stay JSON. Format 1 (stage-support {@link BinaryFormat}): ids and names in the
 * short string form, absent values behind a presence byte.
 */
final class CompactFormat {

    private static final int VERSION = 1;

    private CompactFormat() {}

    static Serde<WindowDelta> deltas() {
        return BinaryFormat.of("WindowDelta", VERSION, CompactFormat::writeDelta, CompactFormat::readDelta);
    }

    static Serde<WindowTotals> totals() {
        return BinaryFormat.of("WindowTotals", VERSION, CompactFormat::writeTotals, CompactFormat::readTotals);
    }

    /**
     * The per-upload contributions (store {@code accuracy-contributions}); values an earlier version stored
     * as JSON (first byte {@code '{'}) are still read, so an instance upgraded in place keeps its state.
     */
    static Serde<Contribution> contributions() {
        return withFormerJson(
                BinaryFormat.of(
                        "Contribution", VERSION, CompactFormat::writeContribution, CompactFormat::readContribution),
                JsonSerde.of(Contribution.class));
    }

    /** The latest request of each upload (store {@code accuracy-requests}); earlier versions stored the whole request as JSON. */
    static Serde<LatestRequest> latestRequests() {
        JsonSerde<LabelingRequest> former = JsonSerde.of(LabelingRequest.class);
        return withFormerJson(
                BinaryFormat.of(
                        "LatestRequest", VERSION, CompactFormat::writeLatestRequest, CompactFormat::readLatestRequest),
                (topic, data) -> LatestRequest.of(former.deserialize(topic, data)));
    }

    /** The standing annotations of each upload (store {@code accuracy-annotations}); earlier versions stored JSON. */
    static Serde<UploadAnnotations> uploadAnnotations() {
        return withFormerJson(
                BinaryFormat.of(
                        "UploadAnnotations",
                        VERSION,
                        CompactFormat::writeUploadAnnotations,
                        CompactFormat::readUploadAnnotations),
                JsonSerde.of(UploadAnnotations.class));
    }

    private static void writeUploadAnnotations(BinaryOutput out, UploadAnnotations annotations) {
        out.writeInt(annotations.byId().size());
        annotations.byId().forEach((id, a) -> {
            out.writeLong(id);
            out.writeInt(a.schemaVersion());
            out.writeShortString(a.uploadId());
            out.writeLong(a.taskId());
            out.writeLong(a.annotationId());
            out.writeOptional(a.label(), BinaryOutput::writeShortString);
            out.writeOptional(a.annotatorId(), BinaryOutput::writeShortString);
            out.writeOptional(a.leadTimeSeconds(), BinaryOutput::writeDouble);
            out.writeByte(a.action() == null ? 0 : a.action().ordinal() + 1);
            out.writeOptional(a.updatedAt(), BinaryOutput::writeInstant);
            out.writeOptional(a.at(), BinaryOutput::writeInstant);
        });
    }

    private static UploadAnnotations readUploadAnnotations(BinaryInput in) {
        int count = in.readInt();
        Map<Long, Annotation> byId = new HashMap<>();
        for (int i = 0; i < count; i++) {
            long id = in.readLong();
            int schemaVersion = in.readInt();
            String uploadId = in.readShortString();
            long taskId = in.readLong();
            long annotationId = in.readLong();
            String label = in.readOptional(BinaryInput::readShortString);
            String annotator = in.readOptional(BinaryInput::readShortString);
            Double leadTime = in.readOptional(BinaryInput::readDouble);
            int action = in.readByte();
            byId.put(
                    id,
                    new Annotation(
                            schemaVersion,
                            uploadId,
                            taskId,
                            annotationId,
                            label,
                            annotator,
                            leadTime,
                            action == 0 ? null : AnnotationAction.values()[action - 1],
                            in.readOptional(BinaryInput::readInstant),
                            in.readOptional(BinaryInput::readInstant)));
        }
        return new UploadAnnotations(byId);
    }

    private static <T> Serde<T> withFormerJson(BinaryFormat<T> binary, Deserializer<T> formerJson) {
        return Serdes.serdeFrom(
                binary.serializer(),
                (topic, data) -> data != null && data.length > 0 && data[0] == '{'
                        ? formerJson.deserialize(topic, data)
                        : binary.deserialize(topic, data));
    }

    private static void writeLatestRequest(BinaryOutput out, LatestRequest r) {
        out.writeInt(r.revision());
        writeModel(out, r.model());
        out.writeInstant(r.scoredAt());
        out.writeOptional(r.predicted(), BinaryOutput::writeShortString);
        out.writeDouble(r.confidence());
        out.writeAll(r.reasons(), BinaryOutput::writeShortString);
        out.writeDouble(r.inclusionProbability());
        out.writeOptional(r.userCorrection(), BinaryOutput::writeShortString);
        out.writeBoolean(r.flagged());
    }

    private static LatestRequest readLatestRequest(BinaryInput in) {
        return new LatestRequest(
                in.readInt(),
                readModel(in),
                in.readInstant(),
                in.readOptional(BinaryInput::readShortString),
                in.readDouble(),
                in.readAll(BinaryInput::readShortString),
                in.readDouble(),
                in.readOptional(BinaryInput::readShortString),
                in.readBoolean());
    }

    private static void writeDelta(BinaryOutput out, WindowDelta d) {
        writeWindow(out, d.windowType(), d.windowStart(), d.windowEnd());
        out.writeInt(d.sign());
        out.writeOptional(d.contribution(), CompactFormat::writeContribution);
        out.writeOptional(d.prediction(), (o, p) -> {
            writeModel(o, p.model());
            o.writeDouble(p.confidence());
            o.writeOptional(p.label(), BinaryOutput::writeShortString);
        });
    }

    private static void writeContribution(BinaryOutput out, Contribution c) {
        out.writeShortString(c.uploadId());
        writeModel(out, c.model());
        out.writeInstant(c.scoredAt());
        out.writeOptional(c.predicted(), BinaryOutput::writeShortString);
        out.writeOptional(c.truth(), BinaryOutput::writeShortString);
        out.writeAll(c.reasons(), BinaryOutput::writeShortString);
        out.writeDouble(c.inclusionProbability());
        out.writeOptional(c.userCorrection(), BinaryOutput::writeShortString);
        out.writeBoolean(c.flagged());
        out.writeOptional(c.confidence(), BinaryOutput::writeDouble);
        out.writeByte(c.confirmed() == null ? 0 : c.confirmed() ? 1 : 2);
    }

    private static WindowDelta readDelta(BinaryInput in) {
        WindowType type = readWindowType(in);
        Instant start = Instant.ofEpochMilli(in.readLong());
        Instant end = Instant.ofEpochMilli(in.readLong());
        int sign = in.readInt();
        Contribution c = in.readOptional(CompactFormat::readContribution);
        WindowDelta.PredictionSeen p = in.readOptional(i -> new WindowDelta.PredictionSeen(
                readModel(i), i.readDouble(), i.readOptional(BinaryInput::readShortString)));
        return new WindowDelta(type, start, end, sign, c, p);
    }

    private static Contribution readContribution(BinaryInput in) {
        String uploadId = in.readShortString();
        ModelRef model = readModel(in);
        Instant scoredAt = in.readInstant();
        String predicted = in.readOptional(BinaryInput::readShortString);
        String truth = in.readOptional(BinaryInput::readShortString);
        var reasons = in.readAll(BinaryInput::readShortString);
        double inclusion = in.readDouble();
        String correction = in.readOptional(BinaryInput::readShortString);
        boolean flagged = in.readBoolean();
        Double confidence = in.readOptional(BinaryInput::readDouble);
        byte confirmed = in.readByte();
        return new Contribution(
                uploadId,
                model,
                scoredAt,
                predicted,
                truth,
                reasons,
                inclusion,
                correction,
                flagged,
                confidence,
                confirmed == 0 ? null : confirmed == 1);
    }

    private static void writeTotals(BinaryOutput out, WindowTotals t) {
        writeWindow(out, t.windowType(), t.windowStart(), t.windowEnd());
        writeModel(out, t.model());
        out.writeLong(t.labelled());
        out.writeLong(t.correct());
        writeMap(out, t.byReason(), CompactFormat::writeTally);
        writeMap(out, t.byPredictedClass(), CompactFormat::writeTally);
        writeMap(out, t.byTrueClass(), CompactFormat::writeTally);
        writeMap(out, t.confusion(), (o, row) -> writeMap(o, row, BinaryOutput::writeLong));
        out.writeDouble(t.sumW());
        out.writeDouble(t.sumWY());
        out.writeDouble(t.sumW2());
        out.writeDouble(t.sumW2Y());
        out.writeLong(t.corrections());
        out.writeLong(t.correctionsMatching());
        out.writeLong(t.flags());
        out.writeLong(t.flagsWrong());
        writeCounts(out, t.counts());
        writeMap(out, t.bands(), (o, b) -> {
            o.writeLong(b.predictions());
            o.writeDouble(b.confidenceSum());
            o.writeLong(b.randomLabelled());
            o.writeLong(b.randomCorrect());
        });
        writeMap(out, t.byPredictedClassCounts(), CompactFormat::writeCounts);
        writeMap(out, t.byTrueClassWeights(), (o, w) -> {
            o.writeDouble(w.w());
            o.writeDouble(w.wy());
            o.writeDouble(w.w2());
            o.writeDouble(w.w2y());
        });
        writeTally(out, t.confirmations());
        writeMap(out, t.byBandCounts(), CompactFormat::writeCounts);
    }

    private static WindowTotals readTotals(BinaryInput in) {
        WindowType type = readWindowType(in);
        Instant start = Instant.ofEpochMilli(in.readLong());
        Instant end = Instant.ofEpochMilli(in.readLong());
        return new WindowTotals(
                type,
                start,
                end,
                readModel(in),
                in.readLong(),
                in.readLong(),
                readMap(in, CompactFormat::readTally),
                readMap(in, CompactFormat::readTally),
                readMap(in, CompactFormat::readTally),
                readMap(in, i -> readMap(i, BinaryInput::readLong)),
                in.readDouble(),
                in.readDouble(),
                in.readDouble(),
                in.readDouble(),
                in.readLong(),
                in.readLong(),
                in.readLong(),
                in.readLong(),
                readCounts(in),
                readMap(in, i -> new ConfidenceBand(i.readLong(), i.readDouble(), i.readLong(), i.readLong())),
                readMap(in, CompactFormat::readCounts),
                readMap(in, i -> new WeightedSums(i.readDouble(), i.readDouble(), i.readDouble(), i.readDouble())),
                readTally(in),
                readMap(in, CompactFormat::readCounts));
    }

    private static void writeCounts(BinaryOutput out, StratifiedCounts counts) {
        writeSample(out, counts.predicted());
        writeMap(out, counts.requested(), CompactFormat::writeSample);
    }

    private static StratifiedCounts readCounts(BinaryInput in) {
        return new StratifiedCounts(readSample(in), readMap(in, CompactFormat::readSample));
    }

    private static void writeSample(BinaryOutput out, StratumSample s) {
        out.writeLong(s.predictions());
        out.writeDouble(s.confidenceSum());
        out.writeLong(s.labelled());
        out.writeLong(s.correct());
        out.writeDouble(s.labelledConfidence());
        out.writeDouble(s.labelledConfidence2());
        out.writeDouble(s.correctConfidence());
    }

    private static StratumSample readSample(BinaryInput in) {
        return new StratumSample(
                in.readLong(),
                in.readDouble(),
                in.readLong(),
                in.readLong(),
                in.readDouble(),
                in.readDouble(),
                in.readDouble());
    }

    private static void writeTally(BinaryOutput out, Tally t) {
        out.writeLong(t.labelled());
        out.writeLong(t.correct());
    }

    private static Tally readTally(BinaryInput in) {
        return new Tally(in.readLong(), in.readLong());
    }

    private static <V> void writeMap(BinaryOutput out, Map<String, V> map, BinaryOutput.Writer<V> values) {
        out.writeInt(map.size());
        for (Map.Entry<String, V> e : map.entrySet()) {
            out.writeShortString(e.getKey());
            values.write(out, e.getValue());
        }
    }

    private static <V> Map<String, V> readMap(BinaryInput in, BinaryInput.Reader<V> values) {
        int n = in.readInt();
        Map<String, V> map = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            map.put(in.readShortString(), values.read(in));
        }
        return map;
    }

    private static void writeWindow(BinaryOutput out, WindowType type, Instant start, Instant end) {
        out.writeByte(type == null ? 0 : type.ordinal() + 1);
        out.writeLong(start.toEpochMilli());
        out.writeLong(end.toEpochMilli());
    }

    private static WindowType readWindowType(BinaryInput in) {
        int type = in.readByte();
        return type == 0 ? null : WindowType.values()[type - 1];
    }

    private static void writeModel(BinaryOutput out, ModelRef model) {
        out.writeShortString(model.id());
        out.writeShortString(model.version());
    }

    private static ModelRef readModel(BinaryInput in) {
        return new ModelRef(in.readShortString(), in.readShortString());
    }
}
