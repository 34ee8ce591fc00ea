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
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A Label Studio stand-in: a real HTTP server that behaves as Label Studio's source does (the
 * 1.22 line) for the calls labeling-sink makes. Read directly from Label Studio's source (files
 * as stored in the code index, commits 07aa52f, 04e12fc, 2c1c1d6, 0012445):
 * {@code label_studio/webhooks/models.py} (actions and payload keys; TASKS_DELETED carries
 * {@code tasks: [{id}]}; PROJECT_DELETED is organisation-only, so a project webhook cannot have
 * it; {@code is_active}; {@code send_for_all_actions} defaults to true),
 * {@code label_studio/webhooks/utils.py} (only active webhooks that want the action; one POST
 * with the webhook's headers and {@code WEBHOOK_TIMEOUT}; no retry),
 * {@code label_studio/webhooks/serializers.py} (URLField validation; an update without
 * {@code actions} clears them), {@code label_studio/data_manager/functions.py} (task lists take
 * a {@code query} with {@code filters} and {@code ordering}), and {@code label_studio/tasks/api.py}
 * (saving an annotation bumps the task's {@code updated_at}). From the team's notes on the same source
 * (checked by a colleague):
 * {@code /import} without trailing slash, 201 with counts and {@code task_ids} only with
 * {@code return_task_ids}, asynchronous import answering {@code {"import": id}} on
 * Enterprise/Cloud, task data checked against the labeling config, 3–50 character titles,
 * personal access tokens refreshed into access tokens that expire after 5 minutes, legacy tokens
 * off unless enabled for the organisation, 404 for a deleted task, and newer versions'
 * auto-disable of a webhook after {@code WEBHOOK_MAX_CONSECUTIVE_FAILURES} (50) failed deliveries.
 *
 * <p>Knobs for faults: down (503), slow answers after the work was done, 201 without task ids
 * (asynchronous import), slow task listing (the snapshot is taken first), 2xx answers that are not
 * JSON, uploads refused as invalid, access token lifetime (so the refresh path runs in tests).
 */
public final class FakeLabelStudio implements AutoCloseable {

    public static final String LEGACY_KEY = "legacy-token-key";
    public static final String PERSONAL_ACCESS_TOKEN =
            jwt("refresh", Instant.now().plusSeconds(86_400));
    static final int WEBHOOK_MAX_CONSECUTIVE_FAILURES = 50;
    private static final Pattern HOST_WITH_TLD = Pattern.compile("^https?://([^/:]+)(:\\d+)?(/.*)?$");

    private final HttpServer server;
    private final HttpClient webhookClient =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private final ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor();
    private final AtomicLong ids = new AtomicLong(100);
    private final Map<Long, ObjectNode> projects = new LinkedHashMap<>();
    private final Map<Long, ObjectNode> tasks = new LinkedHashMap<>();
    private final List<ObjectNode> webhooks = new ArrayList<>();
    private final Map<String, Instant> accessTokens = new HashMap<>();
    private final Map<String, AtomicInteger> garbled = new HashMap<>();
    private final Set<Long> lockedTasks = new HashSet<>();
    private Instant lastTimestamp = Instant.EPOCH;
    private volatile boolean down;
    private volatile boolean dropWebhooks;
    private volatile boolean legacyTokensEnabled;
    private volatile boolean asynchronousImport;
    private volatile Duration accessTokenLifetime = Duration.ofMinutes(5);
    private volatile Duration webhookTimeout = Duration.ofSeconds(1);
    private volatile Duration slowImport = Duration.ZERO;
    private volatile Duration slowListing = Duration.ZERO;
    private volatile String refusedUploadPrefix = "unacceptable";
    private final AtomicInteger refreshes = new AtomicInteger();
    private final AtomicInteger listings = new AtomicInteger();
    private final AtomicInteger imports = new AtomicInteger();
    private volatile int lastListed;

    private FakeLabelStudio(HttpServer server) {
        this.server = server;
    }

    public static FakeLabelStudio start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        FakeLabelStudio fake = new FakeLabelStudio(server);
        server.createContext("/", fake::handle);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.start();
        return fake;
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    // ---- knobs -------------------------------------------------------------------------------

    /** Every call answers 503. */
    public void down(boolean down) {
        this.down = down;
    }

    /** Annotators' saves deliver no webhook (a delivery that failed and is never retried). */
    public void dropWebhooks(boolean drop) {
        this.dropWebhooks = drop;
    }

    /** Organisation setting: legacy {@code Token} keys are refused (401) unless enabled. */
    public void legacyTokens(boolean enabled) {
        this.legacyTokensEnabled = enabled;
    }

    /** How long an access token from {@code /api/token/refresh} is accepted (Label Studio: 5 minutes). */
    public void accessTokenLifetime(Duration lifetime) {
        this.accessTokenLifetime = lifetime;
    }

    /** Label Studio's {@code WEBHOOK_TIMEOUT}. */
    public void webhookTimeout(Duration timeout) {
        this.webhookTimeout = timeout;
    }

    /** Imports create their tasks, then the answer takes this long. */
    public void slowImportAfterWork(Duration delay) {
        this.slowImport = delay;
    }

    /** Imports answer 201 {@code {"import": id}} at once and create the tasks a moment later. */
    public void asynchronousImport(boolean async) {
        this.asynchronousImport = async;
    }

    /** Task lists take their snapshot, then the answer takes this long. */
    public void slowTaskListing(Duration delay) {
        this.slowListing = delay;
    }

    /** The next {@code count} answers to {@code method} on paths matching {@code pathRegex} are 200 with an HTML body. */
    public synchronized void garbleAnswers(String method, String pathRegex, int count) {
        garbled.put(method + " " + pathRegex, new AtomicInteger(count));
    }

    /** Changes to this task are refused with 403, as for a task the token's user may no longer edit. */
    public synchronized void lockTask(long taskId) {
        lockedTasks.add(taskId);
    }

    /** Forgets every access token issued so far (as if they expired early). */
    public synchronized void expireAccessTokens() {
        accessTokens.clear();
    }

    public int refreshes() {
        return refreshes.get();
    }

    public int taskListings() {
        return listings.get();
    }

    public int imports() {
        return imports.get();
    }

    /** How many tasks the last task list with annotations ({@code fields=all}) returned. */
    public int lastListedTasks() {
        return lastListed;
    }

    // ---- state seen by tests -----------------------------------------------------------------

    public synchronized List<ObjectNode> projects() {
        return List.copyOf(projects.values());
    }

    public synchronized List<ObjectNode> tasks() {
        return List.copyOf(tasks.values());
    }

    public synchronized List<ObjectNode> webhooks() {
        return webhooks.stream().map(ObjectNode::deepCopy).toList();
    }

    public synchronized List<ObjectNode> tasksOf(String uploadId) {
        return tasks.values().stream()
                .filter(t -> uploadId.equals(t.path("data").path("uploadId").asString()))
                .toList();
    }

    /** Changes a webhook as an admin (or Label Studio's auto-disable) would. */
    public synchronized void alterWebhook(long id, java.util.function.Consumer<ObjectNode> change) {
        webhooks.stream().filter(w -> w.path("id").asLong() == id).forEach(change);
    }

    // ---- what annotators and admins do ---------------------------------------------------------

    /** An annotator saves a choice: the annotation is stored and ANNOTATION_CREATED delivered. */
    public long annotate(long taskId, String label) {
        ObjectNode task;
        ObjectNode annotation;
        synchronized (this) {
            task = tasks.get(taskId);
            annotation = EventJson.mapper().createObjectNode();
            annotation.put("id", ids.incrementAndGet());
            annotation.put("task", taskId);
            annotation.put("completed_by", 7);
            annotation.put("lead_time", 12.5);
            annotation.put("was_cancelled", false);
            String now = timestamp();
            annotation.put("created_at", now);
            annotation.put("updated_at", now);
            annotation.set("result", result(label));
            ((ArrayNode) task.withArray("annotations")).add(annotation);
            task.put("updated_at", now);
            task = task.deepCopy();
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
            String now = timestamp();
            annotation.set("result", result(label));
            annotation.put("updated_at", now);
            task.put("updated_at", now);
            task = task.deepCopy();
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
            task.put("updated_at", timestamp());
            projectId = task.path("project").asLong();
        }
        ObjectNode payload = EventJson.mapper().createObjectNode();
        payload.put("action", "ANNOTATIONS_DELETED");
        payload.putArray("annotations").addObject().put("id", annotationId);
        payload.putObject("project").put("id", projectId);
        post("ANNOTATIONS_DELETED", payload, projectId);
    }

    /** An admin deletes a task: its annotations go by cascade; only TASKS_DELETED is sent. */
    public void deleteTask(long taskId) {
        long projectId;
        synchronized (this) {
            projectId = tasks.remove(taskId).path("project").asLong();
        }
        ObjectNode payload = EventJson.mapper().createObjectNode();
        payload.put("action", "TASKS_DELETED");
        payload.putArray("tasks").addObject().put("id", taskId);
        payload.putObject("project").put("id", projectId);
        post("TASKS_DELETED", payload, projectId);
    }

    /** An admin deletes a project: its tasks and webhooks go with it (PROJECT_DELETED is for organisation webhooks only). */
    public synchronized void deleteProject(long projectId) {
        projects.remove(projectId);
        tasks.values().removeIf(t -> t.path("project").asLong() == projectId);
        webhooks.removeIf(w -> w.path("project").asLong() == projectId);
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
        post(action, payload, task.path("project").asLong());
    }

    /** Like Label Studio: active webhooks of the project that want the action; one try each; failures counted. */
    private void post(String action, ObjectNode payload, long projectId) {
        if (dropWebhooks) {
            return;
        }
        List<ObjectNode> targets;
        synchronized (this) {
            targets = webhooks.stream()
                    .filter(h -> h.path("project").asLong() == projectId
                            && h.path("is_active").asBoolean(true)
                            && (h.path("send_for_all_actions").asBoolean(true) || contains(h.path("actions"), action)))
                    .toList();
        }
        for (ObjectNode hook : targets) {
            HttpRequest.Builder request = HttpRequest.newBuilder(
                            URI.create(hook.path("url").asString()))
                    .timeout(webhookTimeout)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(
                            EventJson.mapper().writeValueAsBytes(payload)));
            hook.path("headers")
                    .properties()
                    .forEach(h -> request.header(h.getKey(), h.getValue().asString()));
            boolean delivered;
            try {
                int status = webhookClient
                        .send(request.build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode();
                delivered = status >= 200 && status < 300;
            } catch (IOException e) {
                delivered = false; // a missed delivery is gone
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                delivered = false;
            }
            synchronized (this) {
                int failures = delivered ? 0 : hook.path("consecutive_failures").asInt(0) + 1;
                hook.put("consecutive_failures", failures);
                if (failures >= WEBHOOK_MAX_CONSECUTIVE_FAILURES) {
                    hook.put("is_active", false);
                }
            }
        }
    }

    private static boolean contains(JsonNode array, String value) {
        for (JsonNode item : array) {
            if (value.equals(item.asString())) {
                return true;
            }
        }
        return false;
    }

    // ---- HTTP ----------------------------------------------------------------------------------

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (down) {
                respond(exchange, 503, error(503, "Service unavailable"));
                return;
            }
            String path = exchange.getRequestURI().getPath();
            Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
            String method = exchange.getRequestMethod();
            JsonNode body = readBody(exchange);
            if (path.equals("/api/token/refresh") && method.equals("POST")) {
                refresh(exchange, body);
                return;
            }
            if (!authorized(exchange.getRequestHeaders().getFirst("Authorization"))) {
                respond(exchange, 401, error(401, "Authentication credentials were not provided."));
                return;
            }
            if (garble(method, path)) {
                byte[] html = "<html><body>Bad gateway</body></html>".getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "text/html");
                exchange.sendResponseHeaders(200, html.length);
                exchange.getResponseBody().write(html);
                return;
            }
            if (path.matches("/api/tasks/?") && method.equals("GET")) {
                listTasks(exchange, query);
                return;
            }
            if (path.matches("/api/projects/\\d+/import") && method.equals("POST")) {
                importTasks(exchange, Long.parseLong(path.split("/")[3]), query, body);
                return;
            }
            synchronized (this) {
                route(exchange, method, path, query, body);
            }
        }
    }

    private synchronized boolean garble(String method, String path) {
        for (Map.Entry<String, AtomicInteger> g : garbled.entrySet()) {
            String[] key = g.getKey().split(" ", 2);
            if (key[0].equals(method) && path.matches(key[1]) && g.getValue().getAndDecrement() > 0) {
                return true;
            }
        }
        return false;
    }

    private void route(HttpExchange exchange, String method, String path, Map<String, String> query, JsonNode body)
            throws IOException {
        if (path.matches("/api/projects/?") && method.equals("GET")) {
            String title = query.getOrDefault("title", "").toLowerCase();
            List<ObjectNode> matching = projects.values().stream()
                    .filter(p -> p.path("title").asString().toLowerCase().contains(title))
                    .toList();
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
            String title = body.path("title").asString("");
            if (title.length() < 3 || title.length() > 50) {
                ObjectNode error = error(400, "Validation error");
                error.putObject("validation_errors").putArray("title").add("Ensure this field has 3 to 50 characters.");
                respond(exchange, 400, error);
                return;
            }
            ObjectNode project = EventJson.mapper().createObjectNode();
            project.put("id", ids.incrementAndGet());
            project.put("title", title);
            project.put("label_config", body.path("label_config").asString());
            projects.put(project.path("id").asLong(), project);
            respond(exchange, 201, project);
        } else if (path.matches("/api/tasks/\\d+/?") && method.equals("GET")) {
            ObjectNode task = tasks.get(Long.parseLong(path.split("/")[3]));
            if (task == null) {
                respond(exchange, 404, error(404, "Not found."));
                return;
            }
            respond(exchange, 200, task);
        } else if (path.matches("/api/tasks/\\d+/?") && method.equals("PATCH")) {
            ObjectNode task = tasks.get(Long.parseLong(path.split("/")[3]));
            if (task == null) {
                respond(exchange, 404, error(404, "Not found."));
                return;
            }
            if (lockedTasks.contains(task.path("id").asLong())) {
                respond(exchange, 403, error(403, "You do not have permission to perform this action."));
                return;
            }
            if (body.has("data")) {
                task.set("data", body.path("data"));
            }
            task.put("updated_at", timestamp());
            respond(exchange, 200, task);
        } else if (path.matches("/api/webhooks/?") && method.equals("GET")) {
            ArrayNode list = EventJson.mapper().createArrayNode();
            webhooks.stream()
                    .filter(w -> !query.containsKey("project")
                            || w.path("project").asString().equals(query.get("project")))
                    .forEach(list::add);
            respond(exchange, 200, list);
        } else if (path.matches("/api/webhooks/?") && method.equals("POST")) {
            if (!projects.containsKey(body.path("project").asLong())) {
                respond(exchange, 400, validation("project", "Invalid pk - object does not exist."));
                return;
            }
            if (!validUrl(body.path("url").asString(""))) {
                respond(exchange, 400, validation("url", "Enter a valid URL."));
                return;
            }
            if (contains(body.path("actions"), "PROJECT_DELETED")
                    || contains(body.path("actions"), "PROJECT_CREATED")) {
                respond(
                        exchange,
                        400,
                        validation("non_field_errors", "Project webhook can't contain organization-only action."));
                return;
            }
            ObjectNode hook = EventJson.mapper().createObjectNode();
            hook.put("id", ids.incrementAndGet());
            hook.put("project", body.path("project").asLong());
            hook.put("is_active", true).put("send_payload", true).put("send_for_all_actions", true);
            hook.putObject("headers");
            hook.putArray("actions");
            applyWebhook(hook, body);
            webhooks.add(hook);
            respond(exchange, 201, hook);
        } else if (path.matches("/api/webhooks/\\d+/?") && method.equals("PATCH")) {
            long id = Long.parseLong(path.split("/")[3]);
            ObjectNode hook = webhooks.stream()
                    .filter(w -> w.path("id").asLong() == id)
                    .findFirst()
                    .orElse(null);
            if (hook == null) {
                respond(exchange, 404, error(404, "Not found."));
                return;
            }
            if (body.has("url") && !validUrl(body.path("url").asString(""))) {
                respond(exchange, 400, validation("url", "Enter a valid URL."));
                return;
            }
            if (!body.has("actions")) {
                hook.putArray("actions"); // as in Label Studio: a PATCH without actions clears them
            }
            applyWebhook(hook, body);
            respond(exchange, 200, hook);
        } else {
            respond(exchange, 404, error(404, "Not found."));
        }
    }

    private static void applyWebhook(ObjectNode hook, JsonNode body) {
        for (String field : List.of("url", "headers", "is_active", "send_payload", "send_for_all_actions", "actions")) {
            if (body.has(field)) {
                hook.set(field, body.path(field).deepCopy());
            }
        }
        hook.put("consecutive_failures", 0);
    }

    /** Django's URLField plus Label Studio's rule: a host needs a top-level domain unless it is localhost or an IP. */
    private static boolean validUrl(String url) {
        Matcher m = HOST_WITH_TLD.matcher(url);
        if (!m.matches()) {
            return false;
        }
        String host = m.group(1);
        return host.equals("localhost")
                || host.matches("\\d+\\.\\d+\\.\\d+\\.\\d+")
                || host.matches(".+\\.[A-Za-z]{2,}");
    }

    private void importTasks(HttpExchange exchange, long projectId, Map<String, String> query, JsonNode body)
            throws IOException {
        imports.incrementAndGet();
        List<ObjectNode> created = new ArrayList<>();
        synchronized (this) {
            ObjectNode project = projects.get(projectId);
            if (project == null) {
                respond(exchange, 404, error(404, "Not found."));
                return;
            }
            Set<String> fields = dataFields(project.path("label_config").asString(""));
            for (JsonNode t : body) {
                JsonNode data = t.path("data");
                for (String field : fields) {
                    if (!data.has(field)) {
                        respond(
                                exchange,
                                400,
                                validation(
                                        "data",
                                        "\"" + field
                                                + "\" key is expected in task data (required by the labeling config)"));
                        return;
                    }
                }
                if (data.path("uploadId").asString("").startsWith(refusedUploadPrefix)) {
                    respond(exchange, 400, validation("data", "task data does not match the labeling config"));
                    return;
                }
            }
            for (JsonNode t : body) {
                ObjectNode task = EventJson.mapper().createObjectNode();
                task.put("id", ids.incrementAndGet());
                task.put("project", projectId);
                task.set("data", t.path("data"));
                task.set("meta", t.path("meta"));
                task.putArray("annotations");
                created.add(task);
            }
            if (!asynchronousImport) {
                created.forEach(this::store);
            }
        }
        ObjectNode answer = EventJson.mapper().createObjectNode();
        if (asynchronousImport) {
            later.schedule(
                    () -> {
                        synchronized (this) {
                            created.forEach(this::store);
                        }
                    },
                    300,
                    TimeUnit.MILLISECONDS);
            answer.put("import", ids.incrementAndGet());
        } else {
            answer.put("task_count", created.size())
                    .put("annotation_count", 0)
                    .put("prediction_count", 0)
                    .put("duration", 0.01);
            if ("true".equals(query.get("return_task_ids"))) {
                ArrayNode taskIds = answer.putArray("task_ids");
                created.forEach(t -> taskIds.add(t.path("id").asLong()));
            }
        }
        pause(slowImport);
        respond(exchange, 201, answer);
    }

    private void store(ObjectNode task) {
        String now = timestamp();
        task.put("created_at", now);
        task.put("updated_at", now);
        tasks.put(task.path("id").asLong(), task);
    }

    /** The {@code $variables} of the labeling config's object tags: task data must carry them. */
    private static Set<String> dataFields(String labelConfig) {
        Set<String> fields = new HashSet<>();
        Matcher m = Pattern.compile("<(Image|Text|Audio|Video)\\b[^>]*value=\"\\$(\\w+)\"")
                .matcher(labelConfig);
        while (m.find()) {
            fields.add(m.group(2));
        }
        return fields;
    }

    private void listTasks(HttpExchange exchange, Map<String, String> query) throws IOException {
        listings.incrementAndGet();
        ObjectNode answer;
        synchronized (this) {
            long projectId = Long.parseLong(query.getOrDefault("project", "0"));
            if (!projects.containsKey(projectId)) {
                respond(exchange, 404, error(404, "Not found."));
                return;
            }
            Instant after = Instant.EPOCH;
            boolean ordered = false;
            if (query.containsKey("query")) {
                JsonNode q = EventJson.mapper().readTree(query.get("query"));
                for (JsonNode f : q.path("filters").path("items")) {
                    if (f.path("filter").asString().equals("filter:tasks:updated_at")
                            && f.path("operator").asString().equals("greater")) {
                        after = Instant.parse(f.path("value").asString());
                    }
                }
                ordered = q.path("ordering").toString().contains("tasks:updated_at");
            }
            Instant since = after;
            List<ObjectNode> all = new ArrayList<>(tasks.values().stream()
                    .filter(t -> t.path("project").asLong() == projectId)
                    .filter(t -> Instant.parse(t.path("updated_at").asString()).isAfter(since))
                    .toList());
            if (ordered) {
                all.sort(Comparator.comparing(
                        t -> Instant.parse(t.path("updated_at").asString())));
            }
            int page = Integer.parseInt(query.getOrDefault("page", "1"));
            int size = Integer.parseInt(query.getOrDefault("page_size", "100"));
            if ((page - 1) * size >= all.size() && page > 1) {
                respond(exchange, 404, error(404, "Invalid page."));
                return;
            }
            answer = EventJson.mapper().createObjectNode();
            answer.put("total", all.size()).put("total_annotations", 0).put("total_predictions", 0);
            ArrayNode items = answer.putArray("tasks");
            boolean withAnnotations = "all".equals(query.get("fields"));
            if (withAnnotations) {
                lastListed = (int) Math.min(size, Math.max(0, all.size() - (long) (page - 1) * size));
            }
            all.stream().skip((long) (page - 1) * size).limit(size).forEach(t -> {
                ObjectNode copy = t.deepCopy();
                if (!withAnnotations) {
                    copy.remove("annotations");
                }
                items.add(copy);
            });
        }
        pause(slowListing); // the snapshot is taken; the answer is late
        respond(exchange, 200, answer);
    }

    private void refresh(HttpExchange exchange, JsonNode body) throws IOException {
        if (!PERSONAL_ACCESS_TOKEN.equals(body.path("refresh").asString())) {
            respond(exchange, 401, error(401, "Token is invalid or expired"));
            return;
        }
        int n = refreshes.incrementAndGet();
        Instant expires = Instant.now().plus(accessTokenLifetime);
        String access = jwt("access-" + n, expires);
        synchronized (this) {
            accessTokens.put(access, expires);
        }
        ObjectNode answer = EventJson.mapper().createObjectNode();
        answer.put("access", access);
        respond(exchange, 200, answer);
    }

    private synchronized boolean authorized(String header) {
        if (header == null) {
            return false;
        }
        if (header.equals("Token " + LEGACY_KEY)) {
            return legacyTokensEnabled;
        }
        if (header.startsWith("Bearer ")) {
            Instant expires = accessTokens.get(header.substring(7));
            return expires != null && Instant.now().isBefore(expires);
        }
        return false;
    }

    /** Strictly increasing timestamps with microseconds, as Label Studio's database gives them. */
    private synchronized String timestamp() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        lastTimestamp = now.isAfter(lastTimestamp) ? now : lastTimestamp.plus(1, ChronoUnit.MICROS);
        return lastTimestamp.toString();
    }

    private static JsonNode readBody(HttpExchange exchange) throws IOException {
        byte[] bytes = exchange.getRequestBody().readAllBytes();
        return bytes.length == 0
                ? EventJson.mapper().createObjectNode()
                : EventJson.mapper().readTree(bytes);
    }

    private static ObjectNode error(int status, String detail) {
        ObjectNode error = EventJson.mapper().createObjectNode();
        error.put("id", "fake")
                .put("status_code", status)
                .put("version", "1.22.0")
                .put("detail", detail)
                .putNull("exc_info");
        return error;
    }

    private static ObjectNode validation(String field, String message) {
        ObjectNode error = error(400, "Validation error");
        error.putObject("validation_errors").putArray(field).add(message);
        return error;
    }

    private static void respond(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = EventJson.mapper().writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        try {
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
        } catch (IOException e) {
            // the client gave up waiting (a timeout test): the work is done anyway
        }
    }

    private static void pause(Duration d) {
        if (d.isZero()) {
            return;
        }
        try {
            Thread.sleep(d.toMillis()); // the fault being simulated: a slow answer
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> query = new HashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                String[] kv = pair.split("=", 2);
                query.put(
                        URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                        kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
            }
        }
        return query;
    }

    private static String jwt(String subject, Instant expiry) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(("{\"sub\":\"" + subject + "\",\"exp\":" + expiry.getEpochSecond() + "}")
                        .getBytes(StandardCharsets.UTF_8))
                + "." + b64.encodeToString(subject.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        server.stop(0);
        later.shutdownNow();
    }
}
