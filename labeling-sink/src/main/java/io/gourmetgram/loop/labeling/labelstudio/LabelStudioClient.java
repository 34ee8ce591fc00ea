package io.gourmetgram.loop.labeling.labelstudio;

import io.gourmetgram.loop.events.EventJson;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The parts of Label Studio's REST API this stage uses, answering records parsed once (projects,
 * import, tasks, webhooks, token refresh; paths as in Label Studio's source — {@code /import} has
 * no trailing slash). Errors name the operation, the status and Label Studio's {@code detail}.
 * Every call is timed in {@code gourmetgram.labeling.labelstudio.calls} by operation and status.
 */
public final class LabelStudioClient {

    private static final MediaType JSON = MediaType.get("application/json");
    private static final int PAGE = 100;

    private final HttpUrl base;
    private final OkHttpClient http;
    private final Credentials credentials;
    private final MeterRegistry meters;

    public LabelStudioClient(String baseUrl, String apiKey, Duration timeout, Clock clock) {
        this(baseUrl, apiKey, timeout, clock, new SimpleMeterRegistry());
    }

    public LabelStudioClient(String baseUrl, String apiKey, Duration timeout, Clock clock, MeterRegistry meters) {
        this.base = HttpUrl.get(baseUrl.endsWith("/") ? baseUrl : baseUrl + "/");
        this.http = new OkHttpClient.Builder()
                .connectTimeout(timeout)
                .readTimeout(timeout)
                .writeTimeout(timeout)
                .callTimeout(timeout.multipliedBy(2))
                .retryOnConnectionFailure(false)
                .build();
        this.credentials = new Credentials(apiKey, clock);
        this.meters = meters;
    }

    public boolean usesPersonalAccessToken() {
        return credentials.personalAccessToken();
    }

    /** Projects whose title is exactly {@code title} (Label Studio's filter is a substring match). */
    public List<LabelStudioProject> projectsTitled(String title) {
        List<LabelStudioProject> matches = new ArrayList<>();
        for (int page = 1; ; page++) {
            JsonNode answer =
                    call("list projects", "GET", url("api/projects", Map.of("title", title, "page", page)), null);
            answer.path("results").forEach(p -> {
                LabelStudioProject project = LabelStudioProject.parse(p);
                if (title.equals(project.title())) {
                    matches.add(project);
                }
            });
            if (answer.path("next").isNull() || answer.path("next").isMissingNode()) {
                return matches;
            }
        }
    }

    public LabelStudioProject createProject(String title, String labelConfig) {
        return LabelStudioProject.parse(call(
                "create project",
                "POST",
                url("api/projects", Map.of()),
                Map.of("title", title, "label_config", labelConfig)));
    }

    /**
     * Imports tasks and returns their ids, in the order given.
     *
     * @throws ImportOutcomeUnknownException when Label Studio may have created them without telling us
     */
    public List<Long> importTasks(long projectId, List<Map<String, Object>> tasks) {
        String operation = "import tasks";
        JsonNode answer;
        try {
            answer = call(
                    operation,
                    "POST",
                    url("api/projects/" + projectId + "/import", Map.of("return_task_ids", "true")),
                    tasks);
        } catch (LabelStudioException e) {
            if (e.status() == 0 && !e.requestNeverSent() && e.getCause() instanceof IOException io) {
                throw new ImportOutcomeUnknownException(operation, io);
            }
            if (e.status() >= 200 && e.status() < 300) {
                throw new ImportOutcomeUnknownException(operation, e.status(), e.getMessage());
            }
            throw e;
        }
        List<Long> ids = new ArrayList<>();
        answer.path("task_ids").forEach(id -> ids.add(id.asLong()));
        if (ids.size() != tasks.size()) {
            throw new ImportOutcomeUnknownException(
                    operation,
                    201,
                    "expected " + tasks.size() + " task ids, got " + ids.size()
                            + (answer.has("import") ? " (asynchronous import " + answer.path("import") + ")" : ""));
        }
        return ids;
    }

    public void updateTaskData(long taskId, Map<String, Object> data) {
        call("update task", "PATCH", url("api/tasks/" + taskId, Map.of()), Map.of("data", data));
    }

    /** The task with its annotations, or empty when Label Studio no longer has it. */
    public Optional<LabelStudioTask> task(long taskId) {
        try {
            return Optional.of(
                    LabelStudioTask.parse(call("get task", "GET", url("api/tasks/" + taskId, Map.of()), null)));
        } catch (LabelStudioException e) {
            if (e.notFound()) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /**
     * The project's tasks (with annotations) updated after {@code after}, oldest change first.
     * Reads by key (updated_at) rather than by page number, so a task changed while we read moves
     * behind the cursor instead of pushing an unread one onto a page already read.
     */
    public List<LabelStudioTask> tasksUpdatedAfter(long projectId, Instant after) {
        Map<Long, LabelStudioTask> seen = new LinkedHashMap<>();
        Instant cursor = after;
        int page = 1;
        while (true) {
            List<LabelStudioTask> items = taskPage(projectId, cursor, page);
            items.forEach(t -> seen.put(t.id(), t));
            if (items.size() < PAGE) {
                return List.copyOf(seen.values());
            }
            Instant last = items.getLast().updatedAt().minusNanos(1_000); // re-read ties at the page edge
            if (last.isAfter(cursor)) {
                cursor = last;
                page = 1;
            } else {
                page++; // a whole page shares one timestamp: fall back to page numbers
            }
        }
    }

    /** Ids of every task of the project (no annotations): what a deletion sweep compares with. */
    public Set<Long> taskIds(long projectId) {
        Set<Long> ids = new HashSet<>();
        for (int page = 1; ; page++) {
            JsonNode answer;
            try {
                answer = call(
                        "list tasks",
                        "GET",
                        url(
                                "api/tasks",
                                Map.of("project", projectId, "page", page, "page_size", PAGE, "fields", "task_only")),
                        null);
            } catch (LabelStudioException e) {
                if (e.notFound() && page > 1) {
                    return ids; // past the last page
                }
                throw e;
            }
            JsonNode items = answer.path("tasks");
            items.forEach(t -> ids.add(t.path("id").asLong()));
            if (items.size() < PAGE) {
                return ids;
            }
        }
    }

    private List<LabelStudioTask> taskPage(long projectId, Instant after, int page) {
        Map<String, Object> filter = Map.of(
                "filter",
                "filter:tasks:updated_at",
                "operator",
                "greater",
                "type",
                "Datetime",
                "value",
                after.toString());
        Map<String, Object> query = Map.of(
                "filters",
                Map.of("conjunction", "and", "items", List.of(filter)),
                "ordering",
                List.of("tasks:updated_at"));
        JsonNode answer;
        try {
            answer = call(
                    "list tasks",
                    "GET",
                    url(
                            "api/tasks",
                            Map.of(
                                    "project",
                                    projectId,
                                    "page",
                                    page,
                                    "page_size",
                                    PAGE,
                                    "fields",
                                    "all",
                                    "query",
                                    EventJson.mapper().writeValueAsString(query))),
                    null);
        } catch (LabelStudioException e) {
            if (e.notFound() && page > 1) {
                return List.of();
            }
            throw e;
        }
        List<LabelStudioTask> tasks = new ArrayList<>();
        answer.path("tasks").forEach(t -> tasks.add(LabelStudioTask.parse(t)));
        return tasks;
    }

    public List<LabelStudioWebhook> webhooks(long projectId) {
        List<LabelStudioWebhook> hooks = new ArrayList<>();
        call("list webhooks", "GET", url("api/webhooks", Map.of("project", projectId)), null)
                .forEach(w -> hooks.add(LabelStudioWebhook.parse(w)));
        return hooks;
    }

    public void createWebhook(long projectId, String url, Map<String, String> headers, Set<String> actions) {
        Map<String, Object> body = webhookBody(url, headers, actions);
        body.put("project", projectId);
        call("create webhook", "POST", url("api/webhooks", Map.of()), body);
    }

    /** Rewrites the webhook in place; the action list is always sent (a PATCH without it clears it). */
    public void updateWebhook(long webhookId, String url, Map<String, String> headers, Set<String> actions) {
        call("update webhook", "PATCH", url("api/webhooks/" + webhookId, Map.of()), webhookBody(url, headers, actions));
    }

    private static Map<String, Object> webhookBody(String url, Map<String, String> headers, Set<String> actions) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("url", url);
        body.put("headers", headers);
        body.put("send_payload", true);
        body.put("send_for_all_actions", false);
        body.put("actions", List.copyOf(actions));
        body.put("is_active", true);
        return body;
    }

    private HttpUrl url(String path, Map<String, ?> query) {
        HttpUrl.Builder url = base.newBuilder().addPathSegments(path);
        query.forEach((k, v) -> url.addQueryParameter(k, String.valueOf(v)));
        return url.build();
    }

    private JsonNode call(String operation, String method, HttpUrl url, Object body) {
        for (int attempt = 1; ; attempt++) {
            String authorization = authorization();
            Request.Builder request = new Request.Builder()
                    .url(url)
                    .header("Accept", "application/json")
                    .header("Authorization", authorization)
                    .method(
                            method,
                            body == null
                                    ? null
                                    : RequestBody.create(EventJson.mapper().writeValueAsBytes(body), JSON));
            Timer.Sample sample = Timer.start(meters);
            String status = "io-error";
            try (Response response = http.newCall(request.build()).execute()) {
                status = String.valueOf(response.code());
                String text = response.body().string();
                if (response.code() == 401 && credentials.personalAccessToken() && attempt == 1) {
                    credentials.forgetAccessToken(authorization); // expired early or revoked: refresh once and retry
                    continue;
                }
                if (!response.isSuccessful()) {
                    throw new LabelStudioException(operation, response.code(), detail(text));
                }
                try {
                    return text.isBlank()
                            ? EventJson.mapper().createObjectNode()
                            : EventJson.mapper().readTree(text);
                } catch (JacksonException e) {
                    status = "unreadable";
                    // A 2xx we cannot read: the operation's outcome is unknown to us.
                    throw new LabelStudioException(
                            operation, response.code(), "answer is not JSON: " + abbreviate(text));
                }
            } catch (IOException e) {
                status = e instanceof java.io.InterruptedIOException ? "timeout" : "io-error";
                throw new LabelStudioException(operation, e);
            } finally {
                measure(sample, operation, status);
            }
        }
    }

    private void measure(Timer.Sample sample, String operation, String status) {
        sample.stop(meters.timer("gourmetgram.labeling.labelstudio.calls", "operation", operation, "status", status));
        if (!status.startsWith("2")) {
            meters.counter("gourmetgram.labeling.labelstudio.errors", "operation", operation, "status", status)
                    .increment();
        }
    }

    private String authorization() {
        String header = credentials.authorization();
        if (header != null) {
            return header;
        }
        String operation = "refresh access token";
        HttpUrl refresh = url("api/token/refresh", Map.of());
        Request request = new Request.Builder()
                .url(refresh)
                .post(RequestBody.create(
                        EventJson.mapper().writeValueAsBytes(Map.of("refresh", credentials.refreshToken())), JSON))
                .build();
        Timer.Sample sample = Timer.start(meters);
        String status = "io-error";
        try (Response response = http.newCall(request).execute()) {
            status = String.valueOf(response.code());
            String text = response.body().string();
            if (!response.isSuccessful()) {
                throw new LabelStudioException(
                        operation,
                        response.code() == 401 ? 401 : response.code(),
                        detail(text)
                                + " (LABEL_STUDIO_API_KEY looks like a personal access token; is it valid and not revoked?)");
            }
            String access = EventJson.mapper().readTree(text).path("access").asString();
            credentials.accessToken(access);
            return "Bearer " + access; // use the fresh token for this call even if it is already due for renewal

        } catch (JacksonException e) {
            throw new LabelStudioException(operation, 502, "answer is not JSON");
        } catch (IOException e) {
            status = e instanceof java.io.InterruptedIOException ? "timeout" : "io-error";
            throw new LabelStudioException(operation, e);
        } finally {
            measure(sample, operation, status);
        }
    }

    private static String detail(String body) {
        try {
            JsonNode json = EventJson.mapper().readTree(body);
            String detail = json.path("detail").asString("");
            JsonNode fields = json.path("validation_errors");
            return (detail.isBlank() ? body : detail) + (fields.isMissingNode() ? "" : " " + fields);
        } catch (RuntimeException e) {
            return abbreviate(body);
        }
    }

    private static String abbreviate(String body) {
        return body.length() > 300 ? body.substring(0, 300) + "…" : body;
    }
}
