package io.gourmetgram.loop.labeling.labelstudio;

import io.gourmetgram.loop.events.EventJson;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import tools.jackson.databind.JsonNode;

/**
 * The parts of Label Studio's REST API this stage uses (Label Studio 1.22 API docs: projects,
 * import, tasks, webhooks, token refresh). Paths follow the docs exactly — {@code /import} has no
 * trailing slash. Errors name the call, the status and Label Studio's {@code detail}.
 */
public final class LabelStudioClient {

    private static final MediaType JSON = MediaType.get("application/json");

    private final HttpUrl base;
    private final OkHttpClient http;
    private final Credentials credentials;

    public LabelStudioClient(String baseUrl, String apiKey, Duration timeout, Clock clock) {
        this.base = HttpUrl.get(baseUrl.endsWith("/") ? baseUrl : baseUrl + "/");
        this.http = new OkHttpClient.Builder().connectTimeout(timeout).readTimeout(timeout).writeTimeout(timeout)
                .callTimeout(timeout.multipliedBy(2)).build();
        this.credentials = new Credentials(apiKey, clock);
    }

    public boolean usesPersonalAccessToken() {
        return credentials.personalAccessToken();
    }

    /** Projects whose title is exactly {@code title} (Label Studio's filter is a substring match). */
    public List<JsonNode> projectsTitled(String title) {
        List<JsonNode> matches = new ArrayList<>();
        for (int page = 1; ; page++) {
            JsonNode answer = call("list projects", "GET", url("api/projects", Map.of("title", title, "page", page)), null);
            answer.path("results").forEach(p -> {
                if (title.equals(p.path("title").asString())) {
                    matches.add(p);
                }
            });
            if (answer.path("next").isNull() || answer.path("next").isMissingNode()) {
                return matches;
            }
        }
    }

    public JsonNode createProject(String title, String labelConfig) {
        return call("create project", "POST", url("api/projects", Map.of()),
                Map.of("title", title, "label_config", labelConfig));
    }

    /** Imports tasks and returns their ids, in the order given. */
    public List<Long> importTasks(long projectId, List<Map<String, Object>> tasks) {
        JsonNode answer = call("import tasks", "POST",
                url("api/projects/" + projectId + "/import", Map.of("return_task_ids", "true")), tasks);
        List<Long> ids = new ArrayList<>();
        answer.path("task_ids").forEach(id -> ids.add(id.asLong()));
        if (ids.size() != tasks.size()) {
            throw new LabelStudioException("import tasks", 201, "expected " + tasks.size() + " task ids, got " + ids.size());
        }
        return ids;
    }

    public void updateTaskData(long taskId, Map<String, Object> data) {
        call("update task " + taskId, "PATCH", url("api/tasks/" + taskId, Map.of()), Map.of("data", data));
    }

    /** Every task of the project, with annotations ({@code fields=all}), page by page. */
    public List<JsonNode> tasks(long projectId) {
        List<JsonNode> tasks = new ArrayList<>();
        for (int page = 1; ; page++) {
            JsonNode answer;
            try {
                answer = call("list tasks", "GET", url("api/tasks", Map.of("project", projectId, "page", page,
                        "page_size", 100, "fields", "all")), null);
            } catch (LabelStudioException e) {
                if (e.status() == 404 && page > 1) {
                    return tasks; // past the last page
                }
                throw e;
            }
            JsonNode items = answer.path("tasks");
            items.forEach(tasks::add);
            if (items.isEmpty() || tasks.size() >= answer.path("total").asLong()) {
                return tasks;
            }
        }
    }

    public List<JsonNode> webhooks(long projectId) {
        List<JsonNode> hooks = new ArrayList<>();
        call("list webhooks", "GET", url("api/webhooks", Map.of("project", projectId)), null).forEach(hooks::add);
        return hooks;
    }

    public void createWebhook(long projectId, String url, Map<String, String> headers, List<String> actions) {
        call("create webhook", "POST", url("api/webhooks", Map.of()), Map.of("project", projectId, "url", url,
                "headers", headers, "send_payload", true, "send_for_all_actions", false, "actions", actions));
    }

    private HttpUrl url(String path, Map<String, ?> query) {
        HttpUrl.Builder url = base.newBuilder().addPathSegments(path);
        query.forEach((k, v) -> url.addQueryParameter(k, String.valueOf(v)));
        return url.build();
    }

    private JsonNode call(String name, String method, HttpUrl url, Object body) {
        for (int attempt = 1; ; attempt++) {
            Request.Builder request = new Request.Builder().url(url).header("Accept", "application/json")
                    .header("Authorization", authorization())
                    .method(method, body == null ? null : RequestBody.create(EventJson.mapper().writeValueAsBytes(body), JSON));
            try (Response response = http.newCall(request.build()).execute()) {
                String text = response.body().string();
                if (response.code() == 401 && credentials.personalAccessToken() && attempt == 1) {
                    credentials.forgetAccessToken(); // expired early or revoked: refresh once and retry
                    continue;
                }
                if (!response.isSuccessful()) {
                    throw new LabelStudioException(name, response.code(), detail(text));
                }
                return text.isBlank() ? EventJson.mapper().createObjectNode() : EventJson.mapper().readTree(text);
            } catch (IOException e) {
                throw new LabelStudioException(name, e);
            }
        }
    }

    private String authorization() {
        String header = credentials.authorization();
        if (header != null) {
            return header;
        }
        HttpUrl refresh = url("api/token/refresh", Map.of());
        Request request = new Request.Builder().url(refresh)
                .post(RequestBody.create(EventJson.mapper().writeValueAsBytes(Map.of("refresh", credentials.refreshToken())), JSON))
                .build();
        try (Response response = http.newCall(request).execute()) {
            String text = response.body().string();
            if (!response.isSuccessful()) {
                throw new LabelStudioException("refresh access token", response.code(), detail(text)
                        + " (LABEL_STUDIO_API_KEY looks like a personal access token; is it valid and not revoked?)");
            }
            credentials.accessToken(EventJson.mapper().readTree(text).path("access").asString());
            return credentials.authorization();
        } catch (IOException e) {
            throw new LabelStudioException("refresh access token", e);
        }
    }

    private static String detail(String body) {
        try {
            JsonNode json = EventJson.mapper().readTree(body);
            String detail = json.path("detail").asString("");
            JsonNode fields = json.path("validation_errors");
            return (detail.isBlank() ? body : detail) + (fields.isMissingNode() ? "" : " " + fields);
        } catch (RuntimeException e) {
            return body.length() > 300 ? body.substring(0, 300) + "…" : body;
        }
    }
}
