package io.gourmetgram.loop.labeling.project;

import io.gourmetgram.loop.labeling.labelstudio.LabelStudioClient;
import io.gourmetgram.loop.labeling.webhooks.WebhookController;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * Finds or creates the review project by exact title, and makes sure it has our webhook.
 * Idempotent across restarts and replicas: if two replicas race and two projects exist, every
 * replica picks the lowest id.
 */
public final class ReviewProject {

    private static final Logger log = LoggerFactory.getLogger(ReviewProject.class);
    static final List<String> ACTIONS = List.of("ANNOTATION_CREATED", "ANNOTATION_UPDATED", "ANNOTATIONS_DELETED");

    private ReviewProject() {
    }

    /** @return the project id */
    public static long bootstrap(LabelStudioClient client, String title, List<String> labels, String publicUrl,
                                 String webhookSecret) {
        List<JsonNode> existing = client.projectsTitled(title);
        if (existing.isEmpty()) {
            client.createProject(title, LabelingConfig.forLabels(labels));
            existing = client.projectsTitled(title); // re-read: another replica may have created one too
            log.info("Created Label Studio project '{}'", title);
        }
        if (existing.size() > 1) {
            log.warn("{} Label Studio projects are titled '{}'; using the oldest", existing.size(), title);
        }
        long projectId = existing.stream().map(p -> p.path("id").asLong()).min(Comparator.naturalOrder()).orElseThrow();
        String hook = publicUrl.replaceAll("/+$", "") + WebhookController.PATH;
        boolean registered = client.webhooks(projectId).stream().anyMatch(w -> hook.equals(w.path("url").asString()));
        if (!registered) {
            client.createWebhook(projectId, hook, Map.of(WebhookController.SECRET_HEADER, webhookSecret), ACTIONS);
            log.info("Registered webhook {} on project {}", hook, projectId);
        }
        return projectId;
    }
}
