package io.gourmetgram.loop.labeling.project;

import io.gourmetgram.loop.labeling.labelstudio.LabelStudioClient;
import io.gourmetgram.loop.labeling.labelstudio.LabelStudioProject;
import io.gourmetgram.loop.labeling.labelstudio.LabelStudioWebhook;
import io.gourmetgram.loop.labeling.webhooks.WebhookController;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The review project in Label Studio and its webhook. Finds or creates the project by exact title
 * (idempotent across restarts and replicas: if two replicas race and two projects exist, every
 * replica picks the lowest id); re-creates it when Label Studio says it is gone; and keeps the
 * webhook pointing at us, with the current secret, the actions we handle, and active.
 */
public final class ReviewProject {

    /** The actions this stage handles; Label Studio sends a project webhook nothing else. */
    public static final Set<String> ACTIONS =
            Set.of("ANNOTATION_CREATED", "ANNOTATION_UPDATED", "ANNOTATIONS_DELETED", "TASKS_DELETED");

    private static final Logger log = LoggerFactory.getLogger(ReviewProject.class);

    private final LabelStudioClient client;
    private final String title;
    private final List<String> labels;
    private final String hookUrl;
    private final String webhookSecret;
    private volatile Long id;

    public ReviewProject(
            LabelStudioClient client, String title, List<String> labels, String webhookBaseUrl, String webhookSecret) {
        this.client = client;
        this.title = title;
        this.labels = List.copyOf(labels);
        this.hookUrl = webhookBaseUrl.replaceAll("/+$", "") + WebhookController.PATH;
        this.webhookSecret = webhookSecret;
    }

    /** The project id, found or created on first use (or after {@link #lost}). */
    public synchronized long id() {
        if (id == null) {
            id = findOrCreate();
            ensureWebhook();
        }
        return id;
    }

    /** The id if the project is known, else null (before the first successful bootstrap). */
    public Long knownId() {
        return id;
    }

    /**
     * Label Studio answered 404 for project {@code gone}: forget it, so the next {@link #id()}
     * finds the project again (another replica may have re-created it) or creates a new one.
     */
    public synchronized void lost(long gone) {
        if (Objects.equals(id, gone)) {
            log.error(
                    "Label Studio project {} ('{}') is gone (deleted?); finding or re-creating it. Tasks imported into "
                            + "it are gone too: their labels are retracted by the next reconciliation sweep",
                    gone,
                    title);
            id = null;
        }
    }

    /** Makes the webhook match what we handle; answers whether anything had to change. */
    public synchronized boolean ensureWebhook() {
        long projectId = id == null ? id() : id;
        Map<String, String> headers = Map.of(WebhookController.SECRET_HEADER, webhookSecret);
        List<LabelStudioWebhook> ours = client.webhooks(projectId).stream()
                .filter(w -> hookUrl.equals(w.url()))
                .toList();
        if (ours.isEmpty()) {
            client.createWebhook(projectId, hookUrl, headers, ACTIONS);
            log.info("Registered webhook {} on project {}", hookUrl, projectId);
            return true;
        }
        LabelStudioWebhook hook = ours.getFirst();
        boolean drifted = !hook.active()
                || !hook.sendPayload()
                || hook.sendForAllActions()
                || !hook.actions().equals(ACTIONS)
                || !webhookSecret.equals(hook.headers().get(WebhookController.SECRET_HEADER));
        if (drifted) {
            client.updateWebhook(hook.id(), hookUrl, headers, ACTIONS);
            log.warn(
                    "Webhook {} on project {} had drifted (active={}, actions={}, secret header {}); updated it in place",
                    hook.id(),
                    projectId,
                    hook.active(),
                    hook.actions(),
                    webhookSecret.equals(hook.headers().get(WebhookController.SECRET_HEADER)) ? "current" : "stale");
        }
        return drifted;
    }

    private long findOrCreate() {
        List<LabelStudioProject> existing = client.projectsTitled(title);
        if (existing.isEmpty()) {
            client.createProject(title, LabelingConfig.forLabels(labels));
            existing = client.projectsTitled(title); // re-read: another replica may have created one too
            log.info("Created Label Studio project '{}'", title);
        }
        if (existing.size() > 1) {
            log.warn("{} Label Studio projects are titled '{}'; using the oldest", existing.size(), title);
        }
        return existing.stream()
                .map(LabelStudioProject::id)
                .min(Comparator.naturalOrder())
                .orElseThrow();
    }
}
