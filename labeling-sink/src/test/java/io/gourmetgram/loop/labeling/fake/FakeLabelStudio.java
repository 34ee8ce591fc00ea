package io.gourmetgram.loop.labeling.fake;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.gourmetgram.loop.events.EventJson;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A Label Studio stand-in: a real HTTP server answering as Label Studio 1.22's API documentation
 * (labelstud.io/api) says for the calls labeling-sink makes — projects (paginated
 * {count,next,previous,results}, title filter is a case-insensitive substring), import
 * ({@code /api/projects/{id}/import} without trailing slash, 201, task_ids with return_task_ids),
 * tasks ({total,tasks}, 404 past the last page), PATCH task, webhooks (plain array), and both token
 * schemes: legacy {@code Token <key>} and personal access tokens refreshed at
 * {@code /api/token/refresh} into 5-minute {@code Bearer} access tokens. An import containing a task
 * whose {@code data.uploadId} starts with "unacceptable" is refused with 400 and
 * {@code validation_errors}, as Label Studio refuses tasks that do not fit the labeling config. Annotating a task here
 * delivers webhooks as Label Studio does: one JSON POST with the webhook's headers, no retry.
 */
public final class FakeLabelStudio implements AutoCloseable {

    public static final String LEGACY_KEY = "legacy-token-key";
    public static final String PERSONAL_ACCESS_TOKEN = jwt("refresh", Instant.now().plusSeconds(86_400));

    private final HttpServer server;
    private final HttpClient webhookClient = HttpClient.newHttpClient();
    private final AtomicLong ids = new AtomicLong(100);
    private final Map<Long, ObjectNode> projects = new LinkedHashMap<>();
    private final Map<Long, ObjectNode> tasks = new LinkedHashMap<>();
    private final List<ObjectNode> webhooks = new ArrayList<>();
    private final List<String> accessTokens = new ArrayList<>();
    private volatile boolean down;
    private volatile boolean dropWebhooks;
    private volatile int refreshes;

    private FakeLabelStudio(HttpServer server) {
        this.server = server;
    }

    public static FakeLabelStudio start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        FakeLabelStudio fake = new FakeLabelStudio(server);
        server.createContext("/", fake::handle);
        server.start();
        return fake;
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public void down(boolean down) {
        this.down = down;
    }

    public void dropWebhooks(boolean drop) {
        this.dropWebhooks = drop;
    }

    public int refreshes() {
        return refreshes;
    }

    public synchronized List<ObjectNode> projects() {
        return List.copyOf(projects.values());
    }

    public synchronized List<ObjectNode> tasks() {
        return List.copyOf(tasks.values());
    }

    public synchronized List<ObjectNode> webhooks() {
        return List.copyOf(webhooks);
    }

    public synchronized List<ObjectNode> tasksOf(String uploadId) {
        return tasks.values().stream().filter(t -> uploadId.equals(t.path("data").path("uploadId").asString())).toList();
    }

    /** An annotator saves a choice: the annotation is stored and ANNOTATION_CREATED delivered. */
    public long annotate(long taskId, String label) {
        ObjectNode annotation;
        ObjectNode task;
        synchronized (this) {
            task = tasks.get(taskId);
            annotation = EventJson.mapper().createObjectNode();
            annotation.put("id", ids.incrementAndGet());
            annotation.put("task", taskId);
            annotation.put("completed_by", 7);
            annotation.put("lead_time", 12.5);
            annotation.put("was_cancelled", false);
            annotation.put("created_at", Instant.now().toString());
            annotation.put("updated_at", Instant.now().toString());
            annotation.set("result", result(label));
            ((ArrayNode) task.withArray("annotations")).add(annotation);
        }
        deliver("ANNOTATION_CREATED", task, annotation);
        return annotation.path("id").asLong();
    }

    public void updateAnnotation(long taskId, long annotationId, String label) {
        ObjectNode task;
        ObjectNode annotation = null;
        synchronized (this) {
            task = tasks.get(taskId);
            for (JsonNode a : task.path("annotations")) {
                if (a.path("id").asLong() == annotationId) {
                    annotation = (ObjectNode) a;
                }
            }
            annotation.set("result", result(label));
            annotation.put("updated_at", Instant.now().plusMillis(1).toString());
        }
        deliver("ANNOTATION_UPDATED", task, annotation);
    }

    public void deleteAnnotation(long taskId, long annotationId) {
        long projectId;
        synchronized (this) {
            ObjectNode task = tasks.get(taskId);
            ArrayNode kept = EventJson.mapper().createArrayNode();
            task.path("annotations").forEach(a -> {
                if (a.path("id").asLong() != annotationId) {
                    kept.add(a);
                }
            });
            task.set("annotations", kept);
            projectId = task.path("project").asLong();
        }
        ObjectNode payload = EventJson.mapper().createObjectNode();
        payload.put("action", "ANNOTATIONS_DELETED");
        payload.putArray("annotations").addObject().put("id", annotationId);
        payload.putObject("project").put("id", projectId);
        post(payload, projectId);
    }

    private static ArrayNode result(String label) {
        ArrayNode result = EventJson.mapper().createArrayNode();
        ObjectNode choice = result.addObject();
        choice.put("from_name", "label").put("to_name", "image").put("type", "choices");
        choice.putObject("value").putArray("choices").add(label);
        return result;
    }

    private void deliver(String action, ObjectNode task, ObjectNode annotation) {
        ObjectNode payload = EventJson.mapper().createObjectNode();
        payload.put("action", action);
        payload.set("annotation", annotation);
        payload.set("task", task);
        payload.putObject("project").put("id", task.path("project").asLong());
        post(payload, task.path("project").asLong());
    }

    private void post(ObjectNode payload, long projectId) {
        if (dropWebhooks) {
            return;
        }
        for (ObjectNode hook : webhooks()) {
            if (hook.path("project").asLong() != projectId) {
                continue;
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(hook.path("url").asString()))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(EventJson.mapper().writeValueAsBytes(payload)));
            hook.path("headers").properties().forEach(h -> request.header(h.getKey(), h.getValue().asString()));
            try {
                webhookClient.send(request.build(), HttpResponse.BodyHandlers.discarding()); // no retry, like Label Studio
            } catch (IOException | InterruptedException e) {
                // a missed delivery is gone
            }
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (down) {
                respond(exchange, 503, error(503, "Service unavailable"));
                return;
            }
            String path = exchange.getRequestURI().getPath();
            Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
            String method = exchange.getRequestMethod();
            JsonNode body = exchange.getRequestBody().available() >= 0 ? readBody(exchange) : null;
            if (path.equals("/api/token/refresh") && method.equals("POST")) {
                refresh(exchange, body);
                return;
            }
            if (!authorized(exchange.getRequestHeaders().getFirst("Authorization"))) {
                respond(exchange, 401, error(401, "Authentication credentials were not provided."));
                return;
            }
            synchronized (this) {
                route(exchange, method, path, query, body);
            }
        }
    }

    private void route(HttpExchange exchange, String method, String path, Map<String, String> query, JsonNode body)
            throws IOException {
        if (path.matches("/api/projects/?") && method.equals("GET")) {
            String title = query.getOrDefault("title", "").toLowerCase();
            List<ObjectNode> matching = projects.values().stream()
                    .filter(p -> p.path("title").asString().toLowerCase().contains(title)).toList();
            int page = Integer.parseInt(query.getOrDefault("page", "1"));
            int from = (page - 1) * 30;
            ObjectNode answer = EventJson.mapper().createObjectNode();
            answer.put("count", matching.size());
            answer.put("next", from + 30 < matching.size() ? url() + path + "?page=" + (page + 1) : null);
            answer.putNull("previous");
            ArrayNode results = answer.putArray("results");
            matching.stream().skip(from).limit(30).forEach(results::add);
            respond(exchange, 200, answer);
        } else if (path.matches("/api/projects/?") && method.equals("POST")) {
            ObjectNode project = EventJson.mapper().createObjectNode();
            project.put("id", ids.incrementAndGet());
            project.put("title", body.path("title").asString());
            project.put("label_config", body.path("label_config").asString());
            projects.put(project.path("id").asLong(), project);
            respond(exchange, 201, project);
        } else if (path.matches("/api/projects/\\d+/import") && method.equals("POST")) {
            long projectId = Long.parseLong(path.split("/")[3]);
            for (JsonNode t : body) {
                if (t.path("data").path("uploadId").asString().startsWith("unacceptable")) {
                    ObjectNode error = error(400, "Validation error");
                    error.putObject("validation_errors").putArray("data").add("task data does not match the labeling config");
                    respond(exchange, 400, error);
                    return;
                }
            }
            ArrayNode taskIds = EventJson.mapper().createArrayNode();
            for (JsonNode t : body) {
                ObjectNode task = EventJson.mapper().createObjectNode();
                task.put("id", ids.incrementAndGet());
                task.put("project", projectId);
                task.set("data", t.path("data"));
                task.set("meta", t.path("meta"));
                task.putArray("annotations");
                tasks.put(task.path("id").asLong(), task);
                taskIds.add(task.path("id").asLong());
            }
            ObjectNode answer = EventJson.mapper().createObjectNode();
            answer.put("task_count", taskIds.size()).put("annotation_count", 0).put("prediction_count", 0)
                    .put("duration", 0.01);
            if ("true".equals(query.get("return_task_ids"))) {
                answer.set("task_ids", taskIds);
            }
            respond(exchange, 201, answer);
        } else if (path.matches("/api/tasks/?") && method.equals("GET")) {
            long projectId = Long.parseLong(query.getOrDefault("project", "0"));
            List<ObjectNode> all = tasks.values().stream().filter(t -> t.path("project").asLong() == projectId).toList();
            int page = Integer.parseInt(query.getOrDefault("page", "1"));
            int size = Integer.parseInt(query.getOrDefault("page_size", "100"));
            if ((page - 1) * size >= all.size() && page > 1) {
                respond(exchange, 404, error(404, "Invalid page."));
                return;
            }
            ObjectNode answer = EventJson.mapper().createObjectNode();
            answer.put("total", all.size()).put("total_annotations", 0).put("total_predictions", 0);
            ArrayNode items = answer.putArray("tasks");
            boolean withAnnotations = "all".equals(query.get("fields"));
            all.stream().skip((long) (page - 1) * size).limit(size).forEach(t -> {
                ObjectNode copy = t.deepCopy();
                if (!withAnnotations) {
                    copy.remove("annotations");
                }
                items.add(copy);
            });
            respond(exchange, 200, answer);
        } else if (path.matches("/api/tasks/\\d+/?") && method.equals("PATCH")) {
            ObjectNode task = tasks.get(Long.parseLong(path.split("/")[3]));
            if (task == null) {
                respond(exchange, 404, error(404, "Not found."));
                return;
            }
            if (body.has("data")) {
                task.set("data", body.path("data"));
            }
            respond(exchange, 200, task);
        } else if (path.matches("/api/webhooks/?") && method.equals("GET")) {
            ArrayNode list = EventJson.mapper().createArrayNode();
            webhooks.stream().filter(w -> !query.containsKey("project")
                    || w.path("project").asString().equals(query.get("project"))).forEach(list::add);
            respond(exchange, 200, list);
        } else if (path.matches("/api/webhooks/?") && method.equals("POST")) {
            ObjectNode hook = (ObjectNode) body.deepCopy();
            hook.put("id", ids.incrementAndGet());
            webhooks.add(hook);
            respond(exchange, 201, hook);
        } else {
            respond(exchange, 404, error(404, "Not found."));
        }
    }

    private void refresh(HttpExchange exchange, JsonNode body) throws IOException {
        if (!PERSONAL_ACCESS_TOKEN.equals(body.path("refresh").asString())) {
            respond(exchange, 401, error(401, "Token is invalid or expired"));
            return;
        }
        refreshes++;
        String access = jwt("access-" + refreshes, Instant.now().plusSeconds(300));
        synchronized (this) {
            accessTokens.add(access);
        }
        ObjectNode answer = EventJson.mapper().createObjectNode();
        answer.put("access", access);
        respond(exchange, 200, answer);
    }

    private synchronized boolean authorized(String header) {
        return header != null && (header.equals("Token " + LEGACY_KEY)
                || (header.startsWith("Bearer ") && accessTokens.contains(header.substring(7))));
    }

    private static JsonNode readBody(HttpExchange exchange) throws IOException {
        byte[] bytes = exchange.getRequestBody().readAllBytes();
        return bytes.length == 0 ? EventJson.mapper().createObjectNode() : EventJson.mapper().readTree(bytes);
    }

    private static ObjectNode error(int status, String detail) {
        ObjectNode error = EventJson.mapper().createObjectNode();
        error.put("id", "fake").put("status_code", status).put("version", "1.22.0").put("detail", detail).putNull("exc_info");
        return error;
    }

    private static void respond(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = EventJson.mapper().writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> query = new HashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                String[] kv = pair.split("=", 2);
                query.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                        kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
            }
        }
        return query;
    }

    private static String jwt(String subject, Instant expiry) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(("{\"sub\":\"" + subject + "\",\"exp\":" + expiry.getEpochSecond() + "}")
                .getBytes(StandardCharsets.UTF_8)) + "." + b64.encodeToString(subject.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
