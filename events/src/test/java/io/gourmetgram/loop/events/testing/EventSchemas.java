package io.gourmetgram.loop.events.testing;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.gourmetgram.loop.events.EventJson;
import java.util.List;

/**
 * Validates serialized events against the JSON Schemas shipped in {@code events} (classpath
 * {@code /schemas}). Any module's tests can check that what they write matches the contract.
 */
public final class EventSchemas {

    private static final String ID_PREFIX = "https://gourmetgram.io/loop/schemas/";
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(
            SpecificationVersion.DRAFT_2020_12,
            builder -> builder.schemaIdResolvers(ids -> ids.mapPrefix(ID_PREFIX, "classpath:schemas/")));

    private EventSchemas() {}

    /** Schema violations of {@code event} serialized as JSON, or an empty list. */
    public static List<String> violations(String schemaResource, Object event) {
        byte[] json = EventJson.mapper().writeValueAsBytes(event);
        return violationsOfJson(schemaResource, new String(json, java.nio.charset.StandardCharsets.UTF_8));
    }

    public static List<String> violationsOfJson(String schemaResource, String json) {
        Schema schema =
                REGISTRY.getSchema(SchemaLocation.of(ID_PREFIX + schemaResource.replaceFirst("^/schemas/", "")));
        return schema.validate(EventJson.mapper().readTree(json)).stream()
                .map(Object::toString)
                .toList();
    }
}
