package io.gourmetgram.loop.accuracy.topology;

import io.gourmetgram.loop.accuracy.estimate.StratumSample;
import io.gourmetgram.loop.events.AccuracyWindow.ConfidenceBand;
import io.gourmetgram.loop.events.AccuracyWindow.Tally;
import io.gourmetgram.loop.events.ModelRef;
import io.gourmetgram.loop.events.WindowType;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A lean binary form of the topology's own records ({@link WindowDelta}, {@link WindowTotals}) in
 * its internal topics and stores: JSON of the totals was most of the stage's CPU (every update reads
 * and writes them through the store cache). Never seen outside this application; the public
 * window records stay JSON. The first byte is the format's version.
 */
final class CompactFormat {

    private static final byte VERSION = 1;

    private CompactFormat() {}

    static Serde<WindowDelta> deltas() {
        return serde("WindowDelta", CompactFormat::writeDelta, CompactFormat::readDelta);
    }

    static Serde<WindowTotals> totals() {
        return serde("WindowTotals", CompactFormat::writeTotals, CompactFormat::readTotals);
    }

    private interface Writer<T> {
        void write(DataOutputStream out, T value) throws IOException;
    }

    private interface Reader<T> {
        T read(DataInputStream in) throws IOException;
    }

    private static <T> Serde<T> serde(String type, Writer<T> writer, Reader<T> reader) {
        Serializer<T> serializer = (topic, value) -> {
            if (value == null) {
                return null;
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                out.writeByte(VERSION);
                writer.write(out, value);
            } catch (IOException e) {
                throw new UncheckedIOException(e); // in memory: cannot happen
            }
            return bytes.toByteArray();
        };
        Deserializer<T> deserializer = (topic, data) -> {
            if (data == null) {
                return null;
            }
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
                byte version = in.readByte();
                if (version != VERSION) {
                    throw new SerializationException("Record on '" + topic + "' is not a " + type + " of format "
                            + VERSION + " (" + version + ")");
                }
                return reader.read(in);
            } catch (IOException | RuntimeException e) {
                if (e instanceof SerializationException s) {
                    throw s;
                }
                throw new SerializationException("Record on '" + topic + "' is not a valid " + type + ": " + e, e);
            }
        };
        return Serdes.serdeFrom(serializer, deserializer);
    }

    private static void writeDelta(DataOutputStream out, WindowDelta d) throws IOException {
        writeWindow(out, d.windowType(), d.windowStart(), d.windowEnd());
        out.writeInt(d.sign());
        Contribution c = d.contribution();
        out.writeBoolean(c != null);
        if (c != null) {
            out.writeUTF(c.uploadId());
            writeModel(out, c.model());
            out.writeLong(c.scoredAt().getEpochSecond());
            out.writeInt(c.scoredAt().getNano());
            writeNullable(out, c.predicted());
            writeNullable(out, c.truth());
            out.writeInt(c.reasons().size());
            for (String reason : c.reasons()) {
                out.writeUTF(reason);
            }
            out.writeDouble(c.inclusionProbability());
            writeNullable(out, c.userCorrection());
            out.writeBoolean(c.flagged());
            out.writeBoolean(c.confidence() != null);
            if (c.confidence() != null) {
                out.writeDouble(c.confidence());
            }
            out.writeByte(c.confirmed() == null ? 0 : c.confirmed() ? 1 : 2);
        }
        WindowDelta.PredictionSeen p = d.prediction();
        out.writeBoolean(p != null);
        if (p != null) {
            writeModel(out, p.model());
            out.writeDouble(p.confidence());
            writeNullable(out, p.label());
        }
    }

    private static WindowDelta readDelta(DataInputStream in) throws IOException {
        WindowType type = readWindowType(in);
        Instant start = Instant.ofEpochMilli(in.readLong());
        Instant end = Instant.ofEpochMilli(in.readLong());
        int sign = in.readInt();
        Contribution c = null;
        if (in.readBoolean()) {
            String uploadId = in.readUTF();
            ModelRef model = readModel(in);
            Instant scoredAt = Instant.ofEpochSecond(in.readLong(), in.readInt());
            String predicted = readNullable(in);
            String truth = readNullable(in);
            int n = in.readInt();
            List<String> reasons = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                reasons.add(in.readUTF());
            }
            double inclusion = in.readDouble();
            String correction = readNullable(in);
            boolean flagged = in.readBoolean();
            Double confidence = in.readBoolean() ? in.readDouble() : null;
            byte confirmed = in.readByte();
            c = new Contribution(
                    uploadId,
                    model,
                    scoredAt,
                    predicted,
                    truth,
                    List.copyOf(reasons),
                    inclusion,
                    correction,
                    flagged,
                    confidence,
                    confirmed == 0 ? null : confirmed == 1);
        }
        WindowDelta.PredictionSeen p = null;
        if (in.readBoolean()) {
            p = new WindowDelta.PredictionSeen(readModel(in), in.readDouble(), readNullable(in));
        }
        return new WindowDelta(type, start, end, sign, c, p);
    }

    private static void writeTotals(DataOutputStream out, WindowTotals t) throws IOException {
        writeWindow(out, t.windowType(), t.windowStart(), t.windowEnd());
        writeModel(out, t.model());
        out.writeLong(t.labelled());
        out.writeLong(t.correct());
        writeMap(out, t.byReason(), CompactFormat::writeTally);
        writeMap(out, t.byPredictedClass(), CompactFormat::writeTally);
        writeMap(out, t.byTrueClass(), CompactFormat::writeTally);
        writeMap(out, t.confusion(), (o, row) -> writeMap(o, row, DataOutputStream::writeLong));
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

    private static WindowTotals readTotals(DataInputStream in) throws IOException {
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
                readMap(in, i -> readMap(i, DataInputStream::readLong)),
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

    private static void writeCounts(DataOutputStream out, StratifiedCounts counts) throws IOException {
        writeSample(out, counts.predicted());
        writeMap(out, counts.requested(), CompactFormat::writeSample);
    }

    private static StratifiedCounts readCounts(DataInputStream in) throws IOException {
        return new StratifiedCounts(readSample(in), readMap(in, CompactFormat::readSample));
    }

    private static void writeSample(DataOutputStream out, StratumSample s) throws IOException {
        out.writeLong(s.predictions());
        out.writeDouble(s.confidenceSum());
        out.writeLong(s.labelled());
        out.writeLong(s.correct());
        out.writeDouble(s.labelledConfidence());
        out.writeDouble(s.labelledConfidence2());
        out.writeDouble(s.correctConfidence());
    }

    private static StratumSample readSample(DataInputStream in) throws IOException {
        return new StratumSample(
                in.readLong(),
                in.readDouble(),
                in.readLong(),
                in.readLong(),
                in.readDouble(),
                in.readDouble(),
                in.readDouble());
    }

    private static void writeTally(DataOutputStream out, Tally t) throws IOException {
        out.writeLong(t.labelled());
        out.writeLong(t.correct());
    }

    private static Tally readTally(DataInputStream in) throws IOException {
        return new Tally(in.readLong(), in.readLong());
    }

    private static <V> void writeMap(DataOutputStream out, Map<String, V> map, Writer<V> values) throws IOException {
        out.writeInt(map.size());
        for (Map.Entry<String, V> e : map.entrySet()) {
            out.writeUTF(e.getKey());
            values.write(out, e.getValue());
        }
    }

    private static <V> Map<String, V> readMap(DataInputStream in, Reader<V> values) throws IOException {
        int n = in.readInt();
        Map<String, V> map = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            map.put(in.readUTF(), values.read(in));
        }
        return map;
    }

    private static void writeWindow(DataOutputStream out, WindowType type, Instant start, Instant end)
            throws IOException {
        out.writeByte(type == null ? 0 : type.ordinal() + 1);
        out.writeLong(start.toEpochMilli());
        out.writeLong(end.toEpochMilli());
    }

    private static WindowType readWindowType(DataInputStream in) throws IOException {
        int type = in.readByte();
        return type == 0 ? null : WindowType.values()[type - 1];
    }

    private static void writeModel(DataOutputStream out, ModelRef model) throws IOException {
        out.writeUTF(model.id());
        out.writeUTF(model.version());
    }

    private static ModelRef readModel(DataInputStream in) throws IOException {
        return new ModelRef(in.readUTF(), in.readUTF());
    }

    private static void writeNullable(DataOutputStream out, String s) throws IOException {
        out.writeBoolean(s != null);
        if (s != null) {
            out.writeUTF(s);
        }
    }

    private static String readNullable(DataInputStream in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }
}
