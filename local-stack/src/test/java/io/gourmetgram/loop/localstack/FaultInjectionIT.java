package io.gourmetgram.loop.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import io.gourmetgram.loop.events.AccuracyWindow;
import io.gourmetgram.loop.events.DeadLetter;
import io.gourmetgram.loop.events.EventJson;
import io.gourmetgram.loop.events.LabelingRequest;
import io.gourmetgram.loop.events.RequestState;
import io.gourmetgram.loop.events.testing.SharedFixtures;
import io.gourmetgram.loop.events.topics.TopicSpec;
import io.gourmetgram.loop.events.topics.Topics;
import io.gourmetgram.loop.labeling.fake.FakeLabelStudio;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The loop under faults, as separate processes: a real KRaft broker and S3 server, every stage as a
 * child JVM started from its jar, and the Label Studio fake. While a steady stream of uploads (with
 * flags and corrections) flows and a simulated annotator labels every task, each stage is killed
 * with SIGKILL and started again, the broker is restarted, S3 is stopped and Label Studio is down.
 * Afterwards, from the topics and the fake: exactly one prediction per accepted upload, exactly one
 * Label Studio task per selected upload, accuracy counting every annotation posted, and no dead
 * letters. Prints the fault table recorded in the README.
 *
 * <p>CI size by default (a few uploads per fault, outages of seconds);
 * {@code -Dgourmetgram.faults.soak=true} runs the long version (90 s broker outage, 60 s S3 outage,
 * more uploads).
 */
class FaultInjectionIT {

    private static final boolean SOAK = Boolean.getBoolean("gourmetgram.faults.soak");
    /** Restarted stages rejoin their groups under the same KAFKA_GROUP_INSTANCE_ID (static membership). */
    private static final boolean STATIC_MEMBERSHIP = Boolean.getBoolean("gourmetgram.faults.static-membership");

    private static final Duration UPLOAD_EVERY = Duration.ofMillis(SOAK ? 250 : 600);
    private static final Duration SHORT_OUTAGE = Duration.ofSeconds(SOAK ? 60 : 4);
    private static final Duration BROKER_OUTAGE = Duration.ofSeconds(SOAK ? 90 : 4);
    /** Uploads sent in a burst right before each fault, so it strikes while they are being processed. */
    private static final int BURST = SOAK ? 100 : 8;

    private static final Duration CATCH_UP = Duration.ofSeconds(SOAK ? 600 : 180);
    private static final String[] STAGES = {
        "inference-processor", "sampling-streams", "labeling-sink", "accuracy-streams", "ingest-api"
    };

    private static LoopStack stack;
    private static FakeLabelStudio labelStudio;
    private static IngestClient ingest;

    private final Map<String, Accepted> accepted = new ConcurrentHashMap<>();
    private final AtomicInteger unanswered = new AtomicInteger();
    private final ConcurrentLinkedQueue<Runnable> pendingFeedback = new ConcurrentLinkedQueue<>();
    private final Map<String, AtomicInteger> predictions = new ConcurrentHashMap<>();
    private final Map<String, LabelingRequest> requests = new ConcurrentHashMap<>();
    private final Set<Long> annotatedTasks = ConcurrentHashMap.newKeySet();
    private final Set<String> flagged = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean running = new AtomicBoolean(true);

    record Accepted(String uploadId, String token, Instant at) {}

    record Phase(String fault, Instant start, Instant end, double recoverySeconds) {}

    record Row(String fault, int uploads, long lost, long duplicated, double recoverySeconds) {}

    @BeforeAll
    static void startStack() throws Exception {
        labelStudio = FakeLabelStudio.start();
        Path repo = Path.of(System.getProperty("gourmetgram.repo.dir", "..")).toAbsolutePath();
        // Kept after the run: the stages' logs are what explains a failure.
        Path dataDir = repo.resolve("local-stack/target/fault-suite");
        if (Files.exists(dataDir)) {
            try (var walk = Files.walk(dataDir)) {
                walk.sorted(java.util.Comparator.reverseOrder())
                        .forEach(p -> p.toFile().delete());
            }
        }
        int ingestPort = Ports.free();
        ingest = new IngestClient(ingestPort);
        int labelingPort = Ports.free();
        List<Stage> stages = List.of(
                new Stage("ingest-api", ingestPort, Ports.free()),
                new Stage("inference-processor", Ports.free(), Ports.free()),
                new Stage("sampling-streams", Ports.free(), Ports.free()),
                new Stage("labeling-sink", labelingPort, Ports.free()),
                new Stage("accuracy-streams", Ports.free(), Ports.free()));
        for (Stage stage : stages) {
            assertThat(stage.jar(repo))
                    .as("built by the reactor before this module")
                    .isRegularFile();
        }
        Map<String, String> env = new HashMap<>();
        env.put("LABEL_STUDIO_URL", labelStudio.url());
        env.put("LABEL_STUDIO_API_KEY", FakeLabelStudio.PERSONAL_ACCESS_TOKEN);
        env.put("LABEL_STUDIO_WEBHOOK_SECRET", "fault-suite-webhook-secret-" + UUID.randomUUID());
        env.put("LABELING_PUBLIC_URL", "http://127.0.0.1:" + labelingPort);
        env.put("LABELING_RECONCILE_INTERVAL", "3s"); // webhooks missed while labeling-sink is down are read back
        env.put("LABELING_BACKOFF_MIN", "200ms");
        env.put("LABELING_BACKOFF_MAX", "2s");
        env.put("JAVA_TOOL_OPTIONS", "-Xmx384m -XX:TieredStopAtLevel=1"); // six JVMs on two cores
        if (STATIC_MEMBERSHIP) {
            // One instance per stage, each in its own groups: one id serves them all, and survives their restarts.
            env.put("KAFKA_GROUP_INSTANCE_ID", "fault-suite-0");
        }
        stack = LoopStack.start(new StackConfig(repo, dataDir, Ports.free(), Ports.free(), Ports.free(), stages, env));
    }

    @AfterAll
    static void stopStack() throws Exception {
        if (stack != null) {
            stack.close();
        }
        if (labelStudio != null) {
            labelStudio.close();
        }
    }

    @Test
    void theLoopLosesAndDuplicatesNothingWhenStagesCrashAndItsServersGoAway() throws Exception {
        ScheduledExecutorService workers = Executors.newScheduledThreadPool(2);
        Thread reader = Thread.ofPlatform().name("fault-suite-reader").start(this::readTopics);
        List<Phase> table = new ArrayList<>();
        try {
            workers.scheduleWithFixedDelay(this::uploadOne, 0, UPLOAD_EVERY.toMillis(), TimeUnit.MILLISECONDS);
            workers.scheduleWithFixedDelay(this::annotate, 500, 500, TimeUnit.MILLISECONDS);
            awaitCaughtUp(Instant.now().plusSeconds(2), "warm-up");

            if (SOAK) {
                for (String module : STAGES) {
                    table.add(phase(module + " killed (SIGKILL), restarted", () -> {
                        stack.stage(module).kill();
                        stack.restart(module);
                    }));
                }
            } else {
                // At CI size all at once: a killed member's partitions wait for its session to time out
                // (KAFKA_SESSION_TIMEOUT, 10 s) whichever stage it is, so one round shows the same at a fifth of the
                // time.
                table.add(phase("every stage killed (SIGKILL) at once, restarted", () -> {
                    for (String module : STAGES) {
                        stack.stage(module).kill();
                    }
                    stack.restart(STAGES);
                }));
            }
            table.add(phase("broker stopped " + BROKER_OUTAGE.toSeconds() + " s, restarted", () -> {
                stack.stopKafka();
                outage(BROKER_OUTAGE);
                stack.startKafka();
            }));
            table.add(phase("S3 stopped " + SHORT_OUTAGE.toSeconds() + " s", () -> {
                stack.stopS3();
                outage(SHORT_OUTAGE);
                stack.startS3();
            }));
            table.add(phase("Label Studio down " + SHORT_OUTAGE.toSeconds() + " s", () -> {
                labelStudio.down(true);
                outage(SHORT_OUTAGE);
                labelStudio.down(false);
            }));
        } finally {
            workers.shutdownNow();
            workers.awaitTermination(30, TimeUnit.SECONDS);
        }
        awaitCaughtUp(Instant.now(), "the end");
        running.set(false);
        reader.join(10_000);

        List<Row> rows = withOutcomes(table);
        String printed = table(rows);
        System.out.println(printed);
        Files.writeString(
                Path.of(System.getProperty("gourmetgram.repo.dir", "..")).resolve("local-stack/target/fault-table.md"),
                printed);

        Awaitility.await("every annotation counted by accuracy-streams")
                .atMost(CATCH_UP)
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> assertThat(labelledInAccuracyWindows())
                        .as("labelled in accuracy windows; annotations events: %s", annotationSummary())
                        .isEqualTo(annotatedTasks.size()));
        // Exactly one prediction per accepted upload: none missing, none twice.
        assertThat(accepted.keySet())
                .allSatisfy(id -> assertThat(predictions
                                .getOrDefault(id, new AtomicInteger())
                                .get())
                        .as("predictions of " + id)
                        .isEqualTo(1));
        assertThat(predictions.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
        // Predictions of uploads the uploader never heard back about (ingest killed mid-answer) are allowed, nothing
        // else.
        assertThat(predictions.size() - accepted.size()).isBetween(0, unanswered.get());
        // Exactly one Label Studio task per selected upload, none for the rest.
        Set<String> selected = new java.util.HashSet<>();
        requests.forEach((id, r) -> {
            if (r.state() == RequestState.OPEN) {
                selected.add(id);
            }
        });
        assertThat(selected).isNotEmpty();
        for (String id : selected) {
            assertThat(labelStudio.tasksOf(id))
                    .as("Label Studio tasks of " + id)
                    .hasSize(1);
        }
        assertThat(labelStudio.tasks()).hasSize(selected.size());
        // Transient faults never turn into dead letters.
        for (TopicSpec<DeadLetter> topic : List.of(
                Topics.INGEST_API_DEAD_LETTER,
                Topics.INFERENCE_DEAD_LETTER,
                Topics.SAMPLING_DEAD_LETTER,
                Topics.LABELING_DEAD_LETTER,
                Topics.ACCURACY_DEAD_LETTER)) {
            assertThat(readAll(topic)).as(topic.name()).isEmpty();
        }
        assertThat(rows)
                .allSatisfy(
                        r -> assertThat(r.lost() + r.duplicated()).as(r.fault()).isZero());
    }

    private interface Fault {
        void inject() throws Exception;
    }

    /**
     * One fault while uploads keep coming. Recovery: from the moment the fault ends (the restarted
     * stage is healthy, the server is back) until everything accepted so far has gone through the
     * loop and an upload accepted after the fault has its prediction.
     */
    private Phase phase(String name, Fault fault) throws Exception {
        Instant start = Instant.now();
        for (int i = 0; i < BURST; i++) {
            uploadOne();
        }
        fault.inject();
        Instant restored = Instant.now();
        awaitCaughtUp(restored, name);
        Awaitility.await("an upload accepted after " + name + " to get its prediction")
                .atMost(CATCH_UP)
                .pollInterval(Duration.ofMillis(250))
                .until(() -> accepted.values().stream()
                        .anyMatch(a -> a.at().isAfter(restored) && predictions.containsKey(a.uploadId())));
        Instant recovered = Instant.now();
        double seconds = Duration.between(restored, recovered).toMillis() / 1000.0;
        System.out.printf(Locale.ROOT, "fault phase done: %s, recovered %.1f s after the fault ended%n", name, seconds);
        return new Phase(name, start, recovered, seconds);
    }

    /** N, lost and duplicated, counted at the end, for the uploads accepted from each phase's start to the next one's. */
    private List<Row> withOutcomes(List<Phase> phases) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < phases.size(); i++) {
            Phase phase = phases.get(i);
            Instant until = i + 1 < phases.size() ? phases.get(i + 1).start() : Instant.MAX;
            List<String> ids = accepted.values().stream()
                    .filter(a -> !a.at().isBefore(phase.start()) && a.at().isBefore(until))
                    .map(Accepted::uploadId)
                    .toList();
            long lost = ids.stream()
                    .filter(id -> !predictions.containsKey(id)
                            || isSelected(id) && labelStudio.tasksOf(id).isEmpty())
                    .count();
            long duplicated = ids.stream()
                    .filter(id ->
                            predictions.getOrDefault(id, new AtomicInteger()).get() > 1
                                    || labelStudio.tasksOf(id).size() > 1)
                    .count();
            rows.add(new Row(phase.fault(), ids.size(), lost, duplicated, phase.recoverySeconds()));
        }
        return rows;
    }

    private boolean isSelected(String id) {
        LabelingRequest r = requests.get(id);
        return r != null && r.state() == RequestState.OPEN;
    }

    /**
     * Every upload accepted before {@code cutoff} has its prediction, a flagged one its labeling
     * request, and a selected one its Label Studio task.
     */
    private void awaitCaughtUp(Instant cutoff, String after) {
        Awaitility.await("the loop to catch up after " + after)
                .atMost(CATCH_UP)
                .pollInterval(Duration.ofMillis(250))
                .until(() -> accepted.values().stream()
                        .filter(a -> a.at().isBefore(cutoff))
                        .allMatch(a -> predictions.containsKey(a.uploadId())
                                && (!flagged.contains(a.uploadId()) || requests.containsKey(a.uploadId()))
                                && (!isSelected(a.uploadId())
                                        || !labelStudio.tasksOf(a.uploadId()).isEmpty())));
    }

    private static void outage(Duration length) throws InterruptedException {
        Thread.sleep(length); // the length of an outage, not synchronisation
    }

    private static String table(List<Row> rows) {
        StringBuilder out =
                new StringBuilder("| fault | N | lost | duplicated | recovery s |\n| --- | --- | --- | --- | --- |\n");
        for (Row r : rows) {
            out.append(String.format(
                    Locale.ROOT,
                    "| %s | %d | %d | %d | %.1f |%n",
                    r.fault(),
                    r.uploads(),
                    r.lost(),
                    r.duplicated(),
                    r.recoverySeconds()));
        }
        return out.toString();
    }

    // --- the workload -------------------------------------------------------------------------

    private final AtomicInteger photoIndex = new AtomicInteger();

    /** One upload per tick, retried on the next tick while ingest is unavailable; feedback follows each accepted upload. */
    private synchronized void uploadOne() {
        Runnable feedback;
        while ((feedback = pendingFeedback.peek()) != null) {
            try {
                feedback.run();
                pendingFeedback.poll();
            } catch (RuntimeException e) {
                return; // ingest unavailable: try again next tick
            }
        }
        List<Path> photos = SharedFixtures.food11Photos();
        int i = photoIndex.get();
        Path photo = photos.get(i % photos.size());
        try {
            HttpResponse<String> answer =
                    ingest.upload(Files.readAllBytes(photo), photo.getFileName().toString());
            if (answer.statusCode() != 202) {
                return; // 503 while S3 or Kafka is away: the same photo again next tick
            }
            JsonNode body = EventJson.mapper().readTree(answer.body());
            String id = body.path("uploadId").asString();
            String token = body.path("feedbackToken").asString();
            accepted.put(id, new Accepted(id, token, Instant.now()));
            photoIndex.incrementAndGet();
            if (i % 2 == 0) {
                pendingFeedback.add(() -> {
                    send("/api/uploads/" + id + "/flag", token, "");
                    flagged.add(id);
                });
            }
            if (i % 3 == 0) {
                pendingFeedback.add(() -> send("/api/uploads/" + id + "/correction", token, "{\"label\":\"Soup\"}"));
            }
        } catch (java.net.ConnectException e) {
            // ingest is down: nothing was sent
        } catch (Exception e) {
            unanswered.incrementAndGet(); // sent, but no answer: the outcome is unknown to this client
        }
    }

    private void send(String path, String token, String json) {
        try {
            int status = ingest.feedback(path, token, json).statusCode();
            if (status != 202) {
                throw new IllegalStateException("feedback answered " + status);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** An annotator labels every task once, while Label Studio is up (webhooks may miss a stopped labeling-sink). */
    private void annotate() {
        try {
            for (JsonNode task : labelStudio.tasks()) {
                long id = task.path("id").asLong();
                if (!annotatedTasks.contains(id)) {
                    labelStudio.annotate(id, "Soup");
                    annotatedTasks.add(id);
                }
            }
        } catch (RuntimeException e) {
            // Label Studio down or a task changing under us: next round
        }
    }

    // --- reading the topics -------------------------------------------------------------------

    /**
     * Follows predictions and requests. A duplicate is two records (two offsets) for one upload:
     * offsets are remembered, so a record read twice by this reader (its position reset when the
     * broker restarts) is not mistaken for one written twice.
     */
    private void readTopics() {
        Map<String, Set<Long>> seen = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = consumer()) {
            consumer.subscribe(List.of(Topics.PREDICTIONS.name(), Topics.LABELING_REQUESTS.name()));
            while (running.get()) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(300))) {
                    if (r.topic().equals(Topics.PREDICTIONS.name())) {
                        if (seen.computeIfAbsent(r.key(), k -> new java.util.HashSet<>())
                                .add(r.partition() * (1L << 48) + r.offset())) {
                            predictions
                                    .computeIfAbsent(r.key(), k -> new AtomicInteger())
                                    .incrementAndGet();
                        }
                    } else {
                        LabelingRequest request =
                                Topics.LABELING_REQUESTS.valueSerde().deserialize(r.topic(), r.value());
                        requests.merge(r.key(), request, (a, b) -> b.revision() > a.revision() ? b : a);
                    }
                }
            }
        }
    }

    /** For a failure message: which annotated tasks never became an annotation event. */
    private String annotationSummary() {
        Set<String> annotatedUploads = new java.util.TreeSet<>();
        for (JsonNode task : labelStudio.tasks()) {
            if (annotatedTasks.contains(task.path("id").asLong())) {
                annotatedUploads.add(task.path("data").path("uploadId").asString());
            }
        }
        Set<String> events = new java.util.TreeSet<>();
        readAll(Topics.ANNOTATIONS).forEach(r -> events.add(r.key()));
        Set<String> missing = new java.util.TreeSet<>(annotatedUploads);
        missing.removeAll(events);
        return events.size() + " uploads with annotation events; annotated in Label Studio but no event: " + missing;
    }

    private long labelledInAccuracyWindows() {
        Map<String, AccuracyWindow> latest = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : readAll(Topics.ACCURACY_TUMBLING)) {
            latest.put(r.key(), Topics.ACCURACY_TUMBLING.valueSerde().deserialize(r.topic(), r.value()));
        }
        return latest.values().stream().mapToLong(AccuracyWindow::labelled).sum();
    }

    /** Every committed record of the topic, up to its end when called (however long the topic). */
    private <V> List<ConsumerRecord<String, byte[]>> readAll(TopicSpec<V> topic) {
        List<ConsumerRecord<String, byte[]>> all = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic.name(), Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            Instant deadline = Instant.now().plusSeconds(120);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))
                    && Instant.now().isBefore(deadline)) {
                consumer.poll(Duration.ofMillis(300)).forEach(all::add);
            }
        }
        return all;
    }

    private KafkaConsumer<String, byte[]> consumer() {
        return new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        stack.kafkaBootstrap(),
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "faults-" + UUID.randomUUID(),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest",
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        "read_committed"),
                new StringDeserializer(),
                new ByteArrayDeserializer());
    }
}
