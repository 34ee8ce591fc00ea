package io.gourmetgram.loop.events.topics;

import io.gourmetgram.loop.events.JsonSerde;
import java.util.Map;

/**
 * One topic of the catalog: its name, what its keys and values are, and how it is created.
 *
 * @param keyDescription what the (string) key holds
 * @param config         topic-level configs applied at creation (retention, cleanup policy)
 */
public record TopicSpec<V>(
        String name, String keyDescription, Class<V> valueType, int partitions, Map<String, String> config) {

    public TopicSpec {
        config = Map.copyOf(config);
    }

    public JsonSerde<V> valueSerde() {
        return JsonSerde.of(valueType);
    }

    /** Classpath location of the JSON Schema of this topic's values, named after the value type. */
    public String schemaResource() {
        String kebab = valueType
                .getSimpleName()
                .replaceAll("([a-z0-9])([A-Z])", "$1-$2")
                .toLowerCase(java.util.Locale.ROOT);
        return "/schemas/" + kebab + ".schema.json";
    }

    @Override
    public String toString() {
        return name;
    }
}
