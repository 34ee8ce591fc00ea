package io.gourmetgram.loop.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.gourmetgram.loop.events.EventJson;
import io.gourmetgram.loop.events.Prediction;
import io.gourmetgram.loop.events.testing.SharedFixtures;
import io.gourmetgram.loop.events.testing.TestEvents;
import io.gourmetgram.loop.events.topics.Topics;
import io.gourmetgram.loop.localstack.ConsumerLag;
import io.gourmetgram.loop.localstack.LoopStack;
import io.gourmetgram.loop.localstack.S3Node;
import io.gourmetgram.loop.localstack.StackConfig;
import io.gourmetgram.loop.localstack.StageProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The metric names dashboards and alert rules query, checked against what the five stages and the lag exporter
 * really serve: the stages run from their jars (as the local stack runs them) against a real KRaft broker and S3
 * server; photos go through, poison records reach every stage, Label Studio is unreachable, webhooks arrive with
 * and without the secret. Every name seen is written to {@code target/exposed-metrics.txt}.
 */
class ExposedMetricsIT {

    private static final String WEBHOOK_SECRET = "exposed-metrics-webhook-secret";
    private static final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** Under target/ rather than a temporary folder, so the stages' logs stay for a look after a failure. */
    private static final Path dataDir =
            Path.of("target", "exposed-metrics-stack").toAbsolutePath();

    private static LoopStack stack;
    private static LoopStages stages;
    private static Admin admin;
    private static HttpServer lagExporter;

    @BeforeAll
    static void runTheLoop() throws Exception {
        deleteRecursively(dataDir);
        // Kafka and S3 from the local stack; the stages started here with a start-up allowance for loaded machines.
        stack = LoopStack.start(new StackConfig(
                Repo.path(""),
                dataDir,
                IngestClient.freePort(),
                IngestClient.freePort(),
                IngestClient.freePort(),
                List.of(),
                Map.of()));
        // Label Studio "configured" on a port nobody listens on: the sink's calls fail as in an outage.
        Map<String, String> env = Map.of(
                "LABEL_STUDIO_URL",
                "http://127.0.0.1:" + IngestClient.freePort(),
                "LABEL_STUDIO_API_KEY",
                "unreachable-label-studio-key",
                "LABEL_STUDIO_WEBHOOK_SECRET",
                WEBHOOK_SECRET,
                "LABELING_BACKOFF_MAX",
                "2s");
        stages = LoopStages.start(
                stack.kafkaBootstrap(), stack.s3Endpoint(), S3Node.ACCESS_KEY, S3Node.SECRET_KEY, dataDir, env);
        admin = ConsumerLag.connect(stack.kafkaBootstrap());
        lagExporter = ConsumerLag.serve(admin, 0);

        Map<String, String> feedbackTokens = new TreeMap<>();
        for (Path photo : SharedFixtures.food11Photos().subList(0, 3)) {
            HttpResponse<String> accepted = ingest().upload(
                            Files.readAllBytes(photo), photo.getFileName().toString());
            assertThat(accepted.statusCode()).isEqualTo(202);
            var body = EventJson.mapper().readTree(accepted.body());
            feedbackTokens.put(
                    body.path("uploadId").asString(), body.path("feedbackToken").asString());
        }
        assertThat(ingest().upload("not a photo".getBytes(StandardCharsets.UTF_8), "fake.jpg")
                        .statusCode())
                .isEqualTo(415);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrap(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            byte[] poison = "{not json".getBytes(StandardCharsets.UTF_8);
            for (String topic : List.of(
                    Topics.UPLOADS.name(),
                    Topics.PREDICTIONS.name(),
                    Topics.LABELING_REQUESTS.name(),
                    Topics.ANNOTATIONS.name())) {
                producer.send(new ProducerRecord<>(topic, "poison".getBytes(StandardCharsets.UTF_8), poison))
                        .get();
            }
            // The accuracy gauges have a series per model version once it has a complete tumbling window, which
            // this hour's uploads do not give yet: a prediction of the hour before does (low confidence: no copy to
            // S3).
            Prediction earlier = TestEvents.prediction("an-hour-ago")
                    .confidence(0.3)
                    .scoredAt(Instant.now().minus(Duration.ofHours(1)))
                    .build();
            producer.send(new ProducerRecord<>(
                            Topics.PREDICTIONS.name(),
                            earlier.uploadId().getBytes(StandardCharsets.UTF_8),
                            Topics.PREDICTIONS.valueSerde().serialize(Topics.PREDICTIONS.name(), earlier)))
                    .get();
        }
        int sink = port("labeling-sink");
        webhook(sink, "wrong-secret");
        webhook(sink, WEBHOOK_SECRET);

        // Until the photos are scored and the poison records dead-lettered, some series do not exist yet.
        Awaitility.await()
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> {
                    String scores =
                            scrape(stages.stage("inference-processor").managementPort(), "/actuator/prometheus");
                    assertThat(scores).contains("gourmetgram_inference_predictions_total");
                    String lag = scrape(lagExporter.getAddress().getPort(), "/metrics");
                    assertThat(lag)
                            .contains("topic=\"inference-processor-dead-letter\"")
                            .contains("group=\"inference-processor\"");
                });
        // A flagged upload always becomes a labeling request (sampling's counters appear with the first one).
        var flagged = feedbackTokens.entrySet().iterator().next();
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> {
                    assertThat(ingest().flag(flagged.getKey(), flagged.getValue())
                                    .statusCode())
                            .isEqualTo(202);
                });
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> assertThat(
                                scrape(stages.stage("sampling-streams").managementPort(), "/actuator/prometheus"))
                        .contains("gourmetgram_sampling_requests_total"));
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> assertThat(
                                scrape(stages.stage("accuracy-streams").managementPort(), "/actuator/prometheus"))
                        .contains("gourmetgram_accuracy_latest_predictions{"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (lagExporter != null) {
            lagExporter.stop(0);
        }
        if (admin != null) {
            admin.close();
        }
        if (stages != null) {
            stages.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void everyMetricAndLabelTheDashboardsAndAlertsQueryIsExposed() throws Exception {
        Map<String, Map<String, Set<String>>> exposed = new TreeMap<>();
        for (StageProcess stage : stages.processes()) {
            exposed.put(
                    stage.stage().module(), samples(scrape(stage.stage().managementPort(), "/actuator/prometheus")));
        }
        exposed.put("lag-exporter", samples(scrape(lagExporter.getAddress().getPort(), "/metrics")));
        writeReport(exposed);
        Map<String, Set<String>> labelsOf = new TreeMap<>();
        exposed.values()
                .forEach(m -> m.forEach((name, labels) ->
                        labelsOf.computeIfAbsent(name, k -> new TreeSet<>()).addAll(labels)));
        Map<String, String> awaited = awaited();

        List<QueriedMetrics.Query> queries = QueriedMetrics.all();
        assertThat(queries).as("the dashboards and rules are read").hasSizeGreaterThan(20);
        Set<String> missing = new TreeSet<>();
        Set<String> stillAwaited = new TreeSet<>();
        for (QueriedMetrics.Query q : queries) {
            for (String metric : q.metrics()) {
                check(metric, labelsOf.containsKey(metric), awaited, missing, stillAwaited, q);
            }
            q.matchedLabels()
                    .forEach((metric, labels) -> labels.forEach(label -> {
                        if (labelsOf.containsKey(metric) && !ADDED_BY_PROMETHEUS.contains(label)) {
                            check(
                                    metric + "{" + label + "}",
                                    labelsOf.get(metric).contains(label),
                                    awaited,
                                    missing,
                                    stillAwaited,
                                    q);
                        }
                    }));
            for (String label : q.groupedBy()) {
                if (ADDED_BY_PROMETHEUS.contains(label) || q.metrics().stream().noneMatch(labelsOf::containsKey)) {
                    continue;
                }
                boolean carried = q.metrics().stream()
                        .anyMatch(m -> labelsOf.getOrDefault(m, Set.of()).contains(label));
                String key = q.metrics().stream()
                                .filter(labelsOf::containsKey)
                                .findFirst()
                                .orElseThrow() + "{" + label + "}";
                check(key, carried, awaited, missing, stillAwaited, q);
            }
        }
        assertThat(missing)
                .as("queried but served by no stage (served names and labels: target/exposed-metrics.txt)")
                .isEmpty();
        Set<String> nowServed = new TreeSet<>(awaited.keySet());
        nowServed.removeAll(stillAwaited);
        assertThat(nowServed)
                .as("served now or queried nowhere: delete these lines from metrics-awaited.txt")
                .isEmpty();
    }

    /** Labels Prometheus itself attaches to every scraped series (scrape config / ServiceMonitor relabeling). */
    private static final Set<String> ADDED_BY_PROMETHEUS = Set.of("stage", "instance", "job");

    private static void check(
            String what,
            boolean served,
            Map<String, String> awaited,
            Set<String> missing,
            Set<String> stillAwaited,
            QueriedMetrics.Query q) {
        if (served) {
            return;
        }
        if (awaited.containsKey(what)) {
            stillAwaited.add(what);
        } else {
            missing.add(what + " in " + q.file() + ": " + q.expr().strip());
        }
    }

    @Test
    void theLagExporterShowsEveryStagesGroup() throws Exception {
        String lag = scrape(lagExporter.getAddress().getPort(), "/metrics");
        assertThat(lag)
                .contains("gourmetgram_consumer_group_lag{group=\"inference-processor\"")
                .contains("gourmetgram_consumer_group_lag{group=\"sampling-streams\"")
                .contains("gourmetgram_consumer_lag_exporter_up 1");
    }

    private static final java.util.regex.Pattern LABEL = java.util.regex.Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"");

    /**
     * Sample names of a Prometheus text exposition (histograms keep their _bucket/_count/_sum) with the label names
     * seen on them.
     */
    static Map<String, Set<String>> samples(String exposition) {
        Map<String, Set<String>> samples = new TreeMap<>();
        exposition.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).forEach(l -> {
            String name = l.split("[{ ]", 2)[0];
            Set<String> labels = samples.computeIfAbsent(name, k -> new TreeSet<>());
            int open = l.indexOf('{');
            if (open > 0) {
                // Label values are quoted; only names followed by =" count, so commas inside values do no harm.
                java.util.regex.Matcher m = LABEL.matcher(
                        l.substring(open, l.lastIndexOf('}') + 1).replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\""));
                while (m.find()) {
                    labels.add(m.group(1));
                }
            }
        });
        return samples;
    }

    private static Map<String, String> awaited() throws IOException {
        Map<String, String> awaited = new TreeMap<>();
        try (var in = ExposedMetricsIT.class.getResourceAsStream("/metrics-awaited.txt")) {
            new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .lines()
                    .filter(l -> !l.isBlank() && !l.startsWith("#"))
                    .forEach(l -> {
                        String[] parts = l.trim().split("\\s+", 2);
                        awaited.put(parts[0], parts.length > 1 ? parts[1] : "");
                    });
        }
        return awaited;
    }

    private static void writeReport(Map<String, Map<String, Set<String>>> exposed) throws IOException {
        StringBuilder out = new StringBuilder("# stage, metric sample and its labels, as served in ExposedMetricsIT\n");
        exposed.forEach((stage, samples) -> samples.forEach((name, labels) -> out.append(stage)
                .append('\t')
                .append(name)
                .append('\t')
                .append(String.join(",", labels))
                .append('\n')));
        Path target = Path.of("target");
        Files.createDirectories(target);
        Files.writeString(target.resolve("exposed-metrics.txt"), out.toString());
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (var paths = Files.walk(dir)) {
                for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    private static IngestClient ingest() {
        return new IngestClient(port("ingest-api"));
    }

    private static int port(String module) {
        return stages.stage(module).port();
    }

    private static String scrape(int port, String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path + " on " + port).isEqualTo(200);
        return r.body();
    }

    private static void webhook(int port, String secret) throws IOException, InterruptedException {
        String body = "{\"action\":\"ANNOTATION_CREATED\",\"project\":{\"id\":1},\"task\":{\"id\":1,\"data\":{}},"
                + "\"annotation\":{\"id\":1,\"task\":1,\"result\":[],\"updated_at\":\"2026-01-01T00:00:00Z\"}}";
        http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/webhooks/label-studio"))
                        .header("Content-Type", "application/json")
                        .header("X-GourmetGram-Webhook-Secret", secret)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
