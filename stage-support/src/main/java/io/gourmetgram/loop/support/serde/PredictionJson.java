package io.gourmetgram.loop.support.serde;

import io.gourmetgram.loop.events.EventJson;
import io.gourmetgram.loop.events.ModelRef;
import io.gourmetgram.loop.events.ObjectRef;
import io.gourmetgram.loop.events.Prediction;
import io.gourmetgram.loop.events.ScoredLabel;
import io.gourmetgram.loop.events.topics.Topics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Deserializer;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

/**
 * Reads {@code predictions} records as the topic's own serde does, several times faster: Jackson's
 * data binding (a record built through a method handle per object, instants parsed by
 * {@code DateTimeFormatter}) was a third of sampling-streams' stream thread. The token stream is read
 * field by field into the records; whatever is not in the form every producer writes (all fields
 * present, each with its JSON type; instants in {@link IsoInstant}'s form) is handed to the topic's
 * serde, so every odd but valid record reads the same and every invalid one fails with the same
 * message (and is dead-lettered by the error policy). Unknown fields are skipped, as the serde does.
 */
public final class PredictionJson implements Deserializer<Prediction> {

    private static final int ALL_FIELDS = (1 << 10) - 1;

    private final Deserializer<Prediction> general =
            Topics.PREDICTIONS.valueSerde().deserializer();

    @Override
    public Prediction deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        Prediction prediction = readCanonical(data);
        return prediction != null ? prediction : general.deserialize(topic, data);
    }

    /** The prediction, or null when {@code data} is not in the canonical form (the serde decides then). */
    static Prediction readCanonical(byte[] data) {
        try (JsonParser p = EventJson.mapper().createParser(data)) {
            Prediction prediction = prediction(p);
            return prediction != null && p.nextToken() == null ? prediction : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static Prediction prediction(JsonParser p) {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            return null;
        }
        int seen = 0;
        int schemaVersion = 0;
        int labelIndex = 0;
        double confidence = 0;
        double inferenceMillis = 0;
        String uploadId = null;
        String label = null;
        ObjectRef object = null;
        ModelRef model = null;
        List<ScoredLabel> topK = null;
        Instant scoredAt = null;
        String name;
        while ((name = p.nextName()) != null) {
            JsonToken token = p.nextToken();
            int field;
            switch (name) {
                case "schemaVersion" -> {
                    field = 0;
                    schemaVersion = intValue(p, token);
                }
                case "uploadId" -> {
                    field = 1;
                    uploadId = string(p, token);
                }
                case "object" -> {
                    field = 2;
                    object = token == JsonToken.VALUE_NULL ? null : objectRef(p, token);
                }
                case "model" -> {
                    field = 3;
                    model = token == JsonToken.VALUE_NULL ? null : modelRef(p, token);
                }
                case "label" -> {
                    field = 4;
                    label = string(p, token);
                }
                case "labelIndex" -> {
                    field = 5;
                    labelIndex = intValue(p, token);
                }
                case "confidence" -> {
                    field = 6;
                    confidence = doubleValue(p, token);
                }
                case "topK" -> {
                    field = 7;
                    topK = topK(p, token);
                }
                case "inferenceMillis" -> {
                    field = 8;
                    inferenceMillis = doubleValue(p, token);
                }
                case "scoredAt" -> {
                    field = 9;
                    scoredAt = token == JsonToken.VALUE_NULL ? null : instant(p, token);
                }
                default -> {
                    p.skipChildren(); // a field added by a newer writer, ignored like the serde does
                    continue;
                }
            }
            if ((seen & (1 << field)) != 0) {
                throw new NotCanonical(); // the same field twice
            }
            seen |= 1 << field;
        }
        if (seen != ALL_FIELDS) {
            return null;
        }
        return new Prediction(
                schemaVersion, uploadId, object, model, label, labelIndex, confidence, topK, inferenceMillis, scoredAt);
    }

    private static ObjectRef objectRef(JsonParser p, JsonToken token) {
        String[] fields = pair(p, token, "bucket", "key");
        return new ObjectRef(fields[0], fields[1]);
    }

    private static ModelRef modelRef(JsonParser p, JsonToken token) {
        String[] fields = pair(p, token, "id", "version");
        return new ModelRef(fields[0], fields[1]);
    }

    /** An object of exactly two string fields (unknown ones skipped). */
    private static String[] pair(JsonParser p, JsonToken token, String first, String second) {
        if (token != JsonToken.START_OBJECT) {
            throw new NotCanonical();
        }
        String[] values = new String[2];
        int seen = 0;
        String name;
        while ((name = p.nextName()) != null) {
            JsonToken value = p.nextToken();
            int field = name.equals(first) ? 0 : name.equals(second) ? 1 : -1;
            if (field < 0) {
                p.skipChildren();
                continue;
            }
            if ((seen & (1 << field)) != 0) {
                throw new NotCanonical();
            }
            seen |= 1 << field;
            values[field] = string(p, value);
        }
        if (seen != 3) {
            throw new NotCanonical();
        }
        return values;
    }

    private static List<ScoredLabel> topK(JsonParser p, JsonToken token) {
        if (token != JsonToken.START_ARRAY) {
            throw new NotCanonical();
        }
        List<ScoredLabel> labels = new ArrayList<>(5);
        JsonToken element;
        while ((element = p.nextToken()) != JsonToken.END_ARRAY) {
            if (element != JsonToken.START_OBJECT) {
                throw new NotCanonical();
            }
            String label = null;
            int index = 0;
            double probability = 0;
            int seen = 0;
            String name;
            while ((name = p.nextName()) != null) {
                JsonToken value = p.nextToken();
                int field;
                switch (name) {
                    case "label" -> {
                        field = 0;
                        label = string(p, value);
                    }
                    case "index" -> {
                        field = 1;
                        index = intValue(p, value);
                    }
                    case "probability" -> {
                        field = 2;
                        probability = doubleValue(p, value);
                    }
                    default -> {
                        p.skipChildren();
                        continue;
                    }
                }
                if ((seen & (1 << field)) != 0) {
                    throw new NotCanonical();
                }
                seen |= 1 << field;
            }
            if (seen != 7) {
                throw new NotCanonical();
            }
            labels.add(new ScoredLabel(label, index, probability));
        }
        return labels;
    }

    private static String string(JsonParser p, JsonToken token) {
        return switch (token) {
            case VALUE_STRING -> p.getString();
            case VALUE_NULL -> null;
            default -> throw new NotCanonical(); // e.g. a number where a string belongs: the serde coerces it
        };
    }

    private static int intValue(JsonParser p, JsonToken token) {
        if (token != JsonToken.VALUE_NUMBER_INT) {
            throw new NotCanonical();
        }
        return p.getIntValue();
    }

    private static double doubleValue(JsonParser p, JsonToken token) {
        if (token != JsonToken.VALUE_NUMBER_FLOAT && token != JsonToken.VALUE_NUMBER_INT) {
            throw new NotCanonical();
        }
        return p.getDoubleValue();
    }

    private static Instant instant(JsonParser p, JsonToken token) {
        Instant instant = token == JsonToken.VALUE_STRING ? IsoInstant.parseCanonical(p.getString()) : null;
        if (instant == null) {
            throw new NotCanonical();
        }
        return instant;
    }

    /** Not in the form this reader handles: the topic's serde reads it (or reports why it cannot). */
    private static final class NotCanonical extends RuntimeException {
        NotCanonical() {
            super(null, null, false, false); // control flow only: no stack trace
        }
    }
}
