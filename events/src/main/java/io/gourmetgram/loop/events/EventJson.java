package io.gourmetgram.loop.events;

import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one JSON mapping every event goes through, so that all stages write and read the same bytes.
 *
 * <p>Unknown properties are tolerated so that a reader on an older contract keeps working when a
 * writer adds a field (a compatible change); timestamps are ISO-8601 strings.
 */
public final class EventJson {

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    private EventJson() {}

    public static JsonMapper mapper() {
        return MAPPER;
    }
}
