package io.gourmetgram.loop.labeling.labelstudio;

import tools.jackson.databind.JsonNode;

/** A Label Studio project: what we need of it. */
public record LabelStudioProject(long id, String title) {

    static LabelStudioProject parse(JsonNode json) {
        return new LabelStudioProject(
                json.path("id").asLong(), json.path("title").asString(""));
    }
}
