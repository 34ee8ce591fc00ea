package io.gourmetgram.loop.labeling.labelstudio;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;

/**
 * A webhook registered in Label Studio.
 *
 * @param actions the subscribed actions (ignored by Label Studio when {@code sendForAllActions})
 * @param active  Label Studio skips inactive webhooks; newer versions deactivate one after many failed deliveries
 */
public record LabelStudioWebhook(
        long id,
        String url,
        Map<String, String> headers,
        Set<String> actions,
        boolean active,
        boolean sendPayload,
        boolean sendForAllActions) {

    public LabelStudioWebhook {
        headers = Map.copyOf(headers);
        actions = Set.copyOf(actions);
    }

    static LabelStudioWebhook parse(JsonNode json) {
        Map<String, String> headers = new LinkedHashMap<>();
        json.path("headers")
                .properties()
                .forEach(h -> headers.put(h.getKey(), h.getValue().asString()));
        Set<String> actions = new TreeSet<>();
        json.path("actions").forEach(a -> actions.add(a.asString()));
        return new LabelStudioWebhook(
                json.path("id").asLong(),
                json.path("url").asString(""),
                headers,
                actions,
                json.path("is_active").asBoolean(true),
                json.path("send_payload").asBoolean(true),
                json.path("send_for_all_actions").asBoolean(true));
    }
}
