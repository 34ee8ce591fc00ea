package io.gourmetgram.loop.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.gourmetgram.loop.events.AccuracyWindow;
import io.gourmetgram.loop.events.Annotation;
import io.gourmetgram.loop.events.AnnotationAction;
import io.gourmetgram.loop.events.EventJson;
import io.gourmetgram.loop.events.LabelingRequest;
import io.gourmetgram.loop.events.Prediction;
import io.gourmetgram.loop.events.RequestState;
import io.gourmetgram.loop.events.ReviewReason;
import io.gourmetgram.loop.events.testing.SharedFixtures;
import io.gourmetgram.loop.events.topics.Topics;
import io.gourmetgram.loop.labeling.fake.FakeLabelStudio;
import io.gourmetgram.loop.localstack.LoopOutputs.RequestOutcome;
import io.gourmetgram.loop.sampling.rules.LowConfidenceRule;
import io.gourmetgram.loop.sampling.rules.RandomSampleRule;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;
import org.assertj.core.api.recursive.comparison.RecursiveComparisonConfiguration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Several instances of every stage give exactly the results of one. A real broker with 6 partitions
 * per topic; every stage as child JVMs — one of each, then a second of each added while uploads are
 * in flight, then the first inference, sampling and labeling-sink instances removed while the next
 * uploads are in flight and a third labeling-sink added (rebalances in every consumer group).
 * labeling-sink's replicas share one Label Studio fake, which delivers its webhooks through one
 * address in front of them ({@link ReplicaFront}), so each annotation reaches whichever replica.
 *
 * <p>The outputs are compared record for record with a single-instance run over the same input
 * ({@link SingleInstanceRun}: one of each stage after ingest-api on a second broker, fed the same
 * {@code uploads} and {@code feedback} records by {@link InputMirror}, annotated alike): the same
 * prediction per upload, the same labeling request outcome per upload, one Label Studio task per
 * selected upload for the same uploads, and the same accuracy windows. The random sample is a hash
 * of the upload id (sampling-streams' {@code RandomSampleRule}), so both runs select the same uploads.
 */
class MultiInstanceLoopIT {

    private static final List<String> MODULES =
            List.of("ingest-api", "inference-processor", "sampling-streams", "labeling-sink", "accuracy-streams");
    private static final int PARTITIONS = 6;
    private static final double RANDOM_RATE = 0.3;
    /** Generous: at load average ~70 on 2 cores a stage took up to 180 s to start (idle: 13–17 s, BENCHMARKS.md). */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(300);

    private static final Duration SETTLE = Duration.ofSeconds(180);
    private static final HttpClient http = HttpClient.newHttpClient();

    @TempDir(cleanup = CleanupMode.ON_SUCCESS) // the stages' logs explain a failure
    static Path dataDir;

    private static Path repo;
    private static FakeLabelStudio labelStudio;
    private static ReplicaFront labelingFront;
    private static LoopStack stack;
    private static SingleInstanceRun single;
    private static InputMirror mirror;
    /** Every instance, by module, in start order. */
    private static final Map<String, List<StageProcess>> started = new LinkedHashMap<>();

    private static Map<String, String> settings;
    private static final long STARTED = System.nanoTime();

    @BeforeAll
    static void startOneOfEachAndTheSingleInstanceRun() throws Exception {
        repo = Path.of(System.getProperty("gourmetgram.repo.dir", "..")).toAbsolutePath();
        labelStudio = FakeLabelStudio.start();
        labelingFront = ReplicaFront.start();
        settings = Map.ofEntries(
                Map.entry("KAFKA_TOPIC_PARTITIONS", Integer.toString(PARTITIONS)),
                Map.entry("SAMPLING_RANDOM_RATE", Double.toString(RANDOM_RATE)),
                Map.entry("INFERENCE_ONNX_THREADS", "1"),
                // One tumbling and one rolling window (from 1970, a century long) hold every prediction of both
                // runs, minutes apart: their windows then compare one to one, estimates included.
                Map.entry("ACCURACY_TUMBLING_WINDOW", "36500d"),
                Map.entry("ACCURACY_ROLLING_WINDOW", "36500d"),
                Map.entry("ACCURACY_ROLLING_STEP", "36500d"),
                Map.entry("LABEL_STUDIO_API_KEY", FakeLabelStudio.PERSONAL_ACCESS_TOKEN),
                Map.entry("LABEL_STUDIO_WEBHOOK_SECRET", "multi-instance-webhook-secret-" + UUID.randomUUID()),
                Map.entry("LABELING_IMAGE_LINK_SECRET", "local-stack-image-link-secret"),
                // Small, quick-starting JVMs: the work here is little; CI has 2 cores for all of them.
                Map.entry("JDK_JAVA_OPTIONS", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xss512k"));
        // The broker, S3 and topics only: the test starts every instance itself, with its own instance id.
        stack = LoopStack.start(
                new StackConfig(repo, dataDir, Ports.free(), Ports.free(), Ports.free(), List.of(), settings));
        for (String module : MODULES) {
            startAnother(module, "first");
        }
        // The reference starts now and follows along, so both runs share the machine's time.
        single = SingleInstanceRun.start(repo, dataDir.resolve("single"), stack.s3Endpoint(), settings);
        mirror = InputMirror.start(
                stack.kafkaBootstrap(), single.kafkaBootstrap(), List.of(Topics.UPLOADS, Topics.FEEDBACK));
        for (String module : MODULES) {
            instance(module, 0).awaitHealthy(START_TIMEOUT);
        }
        labelingFront.add(instance("labeling-sink", 0).stage().port());
        progress("one of each stage healthy; the single-instance run starting");
    }

    @AfterAll
    static void stopEverything() throws Exception {
        if (mirror != null) {
            mirror.close();
        }
        for (List<StageProcess> processes : started.values()) {
            for (StageProcess process : processes) {
                process.close();
            }
        }
        for (AutoCloseable closeable : new AutoCloseable[] {single, stack, labelingFront, labelStudio}) {
            if (closeable != null) {
                closeable.close();
            }
        }
    }

    @Test
    void twoInstancesOfEveryStageGiveTheResultsOfOne() throws Exception {
        List<Path> photos = SharedFixtures.food11Photos();
        Map<String, String> tokens = new LinkedHashMap<>();

        upload(photos.subList(0, 9), List.of(ingestAt(instance("ingest-api", 0))), tokens);
        for (String module : MODULES) {
            startAnother(module, "second");
        }
        upload(photos.subList(9, 18), List.of(ingestAt(instance("ingest-api", 0))), tokens); // while they join
        for (String module : MODULES) {
            instance(module, 1).awaitHealthy(START_TIMEOUT);
        }
        labelingFront.add(instance("labeling-sink", 1).stage().port());
        progress("second instances healthy");
        // SIGTERM to the first three at once: each leaves its group and its partitions move to the second instance.
        labelingFront.remove(instance("labeling-sink", 0).stage().port());
        List.of("inference-processor", "sampling-streams", "labeling-sink").parallelStream()
                .forEach(module -> {
                    try {
                        instance(module, 0).close();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                    }
                });
        // A third labeling-sink joins while the last uploads flow: it must learn the receipts of both others.
        StageProcess thirdSink = startAnother("labeling-sink", "third");
        List<StageProcess> ingests = List.of(instance("ingest-api", 0), instance("ingest-api", 1));
        upload(
                photos.subList(18, photos.size()),
                ingests.stream().map(MultiInstanceLoopIT::ingestAt).toList(),
                tokens);
        thirdSink.awaitHealthy(START_TIMEOUT);
        labelingFront.add(thirdSink.stage().port());
        progress("first instances removed, third labeling-sink healthy");

        // Exactly one prediction per upload, however partitions moved.
        LoopOutputs multi = new LoopOutputs(stack.kafkaBootstrap());
        List<Prediction> predictions = multi.predictions(tokens.size());
        assertThat(predictions).extracting(Prediction::uploadId).containsExactlyInAnyOrderElementsOf(tokens.keySet());

        // Feedback through both ingest instances.
        List<String> flagged = predictions.stream()
                .map(Prediction::uploadId)
                .filter(id -> id.hashCode() % 4 == 0)
                .toList();
        for (int i = 0; i < flagged.size(); i++) {
            String id = flagged.get(i);
            HttpResponse<String> flag = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                                    + ingests.get(i % 2).stage().port() + "/api/uploads/" + id + "/flag"))
                            .header("Content-Type", "application/json")
                            .header("X-Feedback-Token", tokens.get(id))
                            .POST(HttpRequest.BodyPublishers.ofString(""))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(flag.statusCode()).as(flag.body()).isEqualTo(202);
        }

        // One request per selected upload (revisions 1..n), with the reasons the rules give.
        Map<String, Set<ReviewReason>> expected = expectedReasons(predictions, flagged);
        progress("predictions read, flags sent");
        Map<String, RequestOutcome> outcomes = new HashMap<>();
        Awaitility.await().atMost(SETTLE).untilAsserted(() -> {
            Map<String, RequestOutcome> now = multi.requestOutcomes();
            Map<String, Set<ReviewReason>> latest = new HashMap<>();
            now.forEach((id, outcome) -> latest.put(id, outcome.reasons()));
            assertThat(latest).isEqualTo(expected);
            outcomes.putAll(now); // a complete read: every expected upload is in it
        });
        multi.requestRevisions()
                .forEach((id, written) -> assertThat(written)
                        .extracting(LabelingRequest::revision)
                        .as(id)
                        .containsExactlyElementsOf(
                                IntStream.rangeClosed(1, written.size()).boxed().toList()));

        // One Label Studio task per selected upload across the replicas, at its latest revision.
        List<String> selected = outcomes.entrySet().stream()
                .filter(e -> e.getValue().state() == RequestState.OPEN)
                .map(Map.Entry::getKey)
                .sorted()
                .toList();
        assertThat(selected).isNotEmpty();
        awaitTasks(labelStudio, selected, multi);

        progress("labeling requests and tasks settled");
        // Every replica still running serves every task's image link.
        List<StageProcess> sinks = List.of(instance("labeling-sink", 1), thirdSink);
        for (JsonNode task : labelStudio.tasks()) {
            String link = task.path("data").path("image").asString();
            assertThat(link).startsWith(labelingFront.url() + "/images/");
            for (StageProcess sink : sinks) {
                URI onReplica = URI.create(link.replace(
                        labelingFront.url(), "http://127.0.0.1:" + sink.stage().port()));
                HttpResponse<Void> image =
                        http.send(HttpRequest.newBuilder(onReplica).build(), HttpResponse.BodyHandlers.discarding());
                assertThat(image.statusCode()).as(onReplica.toString()).isEqualTo(302);
                assertThat(image.headers().firstValue("Location")).isPresent();
            }
        }

        // Annotators label every task; Label Studio's webhooks reach the replicas through the front.
        Map<String, Prediction> byUpload = new HashMap<>();
        predictions.forEach(p -> byUpload.put(p.uploadId(), p));
        long agreeing = annotateEveryTask(labelStudio, byUpload);
        for (StageProcess sink : sinks) {
            assertThat(labelingFront.answeredBy(sink.stage().port()))
                    .as(
                            "webhook deliveries answered by the labeling-sink on port %d",
                            sink.stage().port())
                    .isPositive();
        }
        Awaitility.await()
                .atMost(SETTLE)
                .untilAsserted(() -> assertThat(new TopicReader(stack.kafkaBootstrap())
                                .readAll(Topics.ANNOTATIONS, Duration.ofSeconds(2)))
                        .filteredOn(a -> a.action() == AnnotationAction.CREATED)
                        .extracting(Annotation::uploadId)
                        .containsExactlyInAnyOrderElementsOf(selected));

        // The same accuracy windows on both accuracy instances, counting every prediction and label once.
        int accuracyOne = instance("accuracy-streams", 0).stage().port();
        int accuracyTwo = instance("accuracy-streams", 1).stage().port();
        Awaitility.await().atMost(SETTLE).untilAsserted(() -> {
            List<AccuracyWindow> one = LoopOutputs.accuracyWindows(accuracyOne, "tumbling");
            assertThat(one).extracting(AccuracyWindow::predictions).containsExactly((long) tokens.size());
            assertThat(one).extracting(AccuracyWindow::labelled).containsExactly((long) selected.size());
            assertThat(one).extracting(AccuracyWindow::correct).containsExactly(agreeing);
            assertThat(LoopOutputs.accuracyWindows(accuracyTwo, "tumbling")).isEqualTo(one);
            assertThat(LoopOutputs.accuracyWindows(accuracyTwo, "rolling"))
                    .isEqualTo(LoopOutputs.accuracyWindows(accuracyOne, "rolling"));
        });

        progress(String.format(
                java.util.Locale.ROOT,
                "multi-instance run checked: %d uploads, %d flagged, %d Label Studio tasks (%d labels agree with the"
                        + " model); webhooks answered per replica %d / %d",
                tokens.size(),
                flagged.size(),
                selected.size(),
                agreeing,
                labelingFront.answeredBy(sinks.get(0).stage().port()),
                labelingFront.answeredBy(sinks.get(1).stage().port())));
        // --- the single-instance run over the same input --------------------------------------------
        Awaitility.await("the input copied to the single-instance run")
                .atMost(SETTLE)
                .until(() -> mirror.copied(Topics.UPLOADS) == tokens.size()
                        && mirror.copied(Topics.FEEDBACK) == flagged.size());
        single.awaitHealthy(START_TIMEOUT);
        LoopOutputs reference = new LoopOutputs(single.kafkaBootstrap());

        Map<String, Prediction> referencePredictions = new HashMap<>();
        List<Prediction> referenceList = reference.predictions(tokens.size());
        referenceList.forEach(p -> referencePredictions.put(p.uploadId(), p));
        assertThat(referenceList).hasSameSizeAs(referencePredictions.keySet()); // one per upload there too
        assertThat(referencePredictions.keySet()).isEqualTo(byUpload.keySet());
        byUpload.forEach((id, p) -> {
            Prediction alone = referencePredictions.get(id);
            assertThat(alone.label()).as(id).isEqualTo(p.label());
            // The same model on the same bytes; only batch composition may differ between the runs.
            assertThat(alone.confidence()).as(id).isCloseTo(p.confidence(), within(1e-6));
        });

        Awaitility.await("the same labeling request outcomes")
                .atMost(SETTLE)
                .untilAsserted(() -> assertThat(reference.requestOutcomes()).isEqualTo(outcomes));
        awaitTasks(single.labelStudio(), selected, reference);
        assertThat(LoopOutputs.taskUploads(single.labelStudio())).isEqualTo(LoopOutputs.taskUploads(labelStudio));
        assertThat(annotateEveryTask(single.labelStudio(), referencePredictions))
                .isEqualTo(agreeing);

        progress("single-instance predictions, requests and tasks compared");
        int accuracyAlone = single.stage("accuracy-streams").stage().port();
        RecursiveComparisonConfiguration sameWindow = RecursiveComparisonConfiguration.builder()
                .withIgnoredFieldsMatchingRegexes("(.*\\.)?updatedAt") // when each run wrote it
                .withComparatorForType(MultiInstanceLoopIT::closeEnough, Double.class)
                .build();
        Awaitility.await("the same accuracy windows as the single-instance run")
                .atMost(SETTLE)
                .untilAsserted(() -> {
                    for (String window : List.of("tumbling", "rolling")) {
                        assertThat(LoopOutputs.accuracyWindows(accuracyAlone, window))
                                .as(window)
                                .usingRecursiveComparison(sameWindow)
                                .isEqualTo(LoopOutputs.accuracyWindows(accuracyOne, window));
                    }
                });
        progress("accuracy windows compared");
    }

    /** Where the time goes, in the test's output (the run's wall time is reported from these lines). */
    private static void progress(String step) {
        System.out.printf(
                java.util.Locale.ROOT, "MultiInstanceLoopIT +%.0f s: %s%n", (System.nanoTime() - STARTED) / 1e9, step);
    }

    /** Sums taken in another order differ in their last bits; nulls (figures not computed) only equal nulls. */
    private static int closeEnough(Double a, Double b) {
        if (a == null || b == null) {
            return java.util.Objects.equals(a, b) ? 0 : 1;
        }
        return Math.abs(a - b) < 1e-5 ? 0 : Double.compare(a, b);
    }

    /** The rules, applied as one instance applies them: random by upload id, low confidence, flagged. */
    private static Map<String, Set<ReviewReason>> expectedReasons(List<Prediction> predictions, List<String> flagged) {
        RandomSampleRule random = new RandomSampleRule(RANDOM_RATE);
        LowConfidenceRule unsure = new LowConfidenceRule(0.7, 0);
        Map<String, Set<ReviewReason>> expected = new HashMap<>();
        for (Prediction p : predictions) {
            Set<ReviewReason> reasons = EnumSet.noneOf(ReviewReason.class);
            if (random.selects(p.uploadId())) {
                reasons.add(ReviewReason.RANDOM);
            }
            if (unsure.selects(p)) {
                reasons.add(ReviewReason.LOW_CONFIDENCE);
            }
            if (flagged.contains(p.uploadId())) {
                reasons.add(ReviewReason.FLAGGED);
            }
            if (!reasons.isEmpty()) {
                expected.put(p.uploadId(), reasons);
            }
        }
        return expected;
    }

    /** Exactly one task per selected upload and none for the rest, each at its request's latest revision. */
    private static void awaitTasks(FakeLabelStudio labelStudio, List<String> selected, LoopOutputs outputs) {
        Awaitility.await("one Label Studio task per selected upload")
                .atMost(SETTLE)
                .untilAsserted(() -> {
                    assertThat(LoopOutputs.taskUploads(labelStudio)).isEqualTo(selected);
                    Map<String, List<LabelingRequest>> revisions = outputs.requestRevisions();
                    assertThat(revisions).containsKeys(selected.toArray(String[]::new));
                    for (JsonNode task : labelStudio.tasks()) {
                        String id = task.path("data").path("uploadId").asString();
                        assertThat(task.path("data").path("revision").asInt())
                                .as(id)
                                .isEqualTo(revisions.get(id).getLast().revision());
                    }
                });
    }

    /**
     * An annotator labels every task once: the model's label for half the uploads (by a hash of the id,
     * so both runs agree), another label for the rest. Answers how many labels agree with the model.
     */
    private static long annotateEveryTask(FakeLabelStudio labelStudio, Map<String, Prediction> predictions) {
        long agreeing = 0;
        for (JsonNode task : labelStudio.tasks().stream()
                .sorted(Comparator.comparing(
                        t -> t.path("data").path("uploadId").asString()))
                .toList()) {
            String predicted = predictions
                    .get(task.path("data").path("uploadId").asString())
                    .label();
            boolean agrees =
                    Math.floorMod(task.path("data").path("uploadId").asString().hashCode(), 2) == 0;
            labelStudio.annotate(
                    task.path("id").asLong(), agrees ? predicted : predicted.equals("Soup") ? "Rice" : "Soup");
            agreeing += agrees ? 1 : 0;
        }
        return agreeing;
    }

    /** The {@code n}th instance of a module started by the test (0 = first), running or stopped. */
    private static StageProcess instance(String module, int n) {
        return started.get(module).get(n);
    }

    /** Another instance: its own instance id, ports, state directories and log; the same topics and groups. */
    private static StageProcess startAnother(String module, String instanceId) throws Exception {
        Path own = dataDir.resolve(instanceId);
        Map<String, String> env = new HashMap<>(envOf(settings, instanceId));
        env.put("KAFKA_BOOTSTRAP_SERVERS", stack.kafkaBootstrap());
        env.put("S3_ENDPOINT", stack.s3Endpoint());
        env.put("S3_ACCESS_KEY", S3Node.ACCESS_KEY);
        env.put("S3_SECRET_KEY", S3Node.SECRET_KEY);
        env.put("SAMPLING_STATE_DIR", own.resolve("sampling-state").toString());
        env.put("ACCURACY_STATE_DIR", own.resolve("accuracy-state").toString());
        env.put("CURATION_STATE_DIR", own.resolve("curation-state").toString());
        Stage stage = new Stage(module, Ports.free(), Ports.free());
        StageProcess process = StageProcess.start(stage, stage.jar(repo), own.resolve("logs"), env);
        started.computeIfAbsent(module, m -> new ArrayList<>()).add(process);
        return process;
    }

    /** This run's stage environment: the shared settings, our Label Studio, and the front as labeling-sink's address. */
    private static Map<String, String> envOf(Map<String, String> settings, String instanceId) {
        Map<String, String> env = new HashMap<>(settings);
        env.put("LABEL_STUDIO_URL", labelStudio.url());
        env.put("LABELING_PUBLIC_URL", labelingFront.url());
        env.put("INSTANCE_ID", instanceId);
        return env;
    }

    private static URI ingestAt(StageProcess ingest) {
        return URI.create("http://127.0.0.1:" + ingest.stage().port() + "/api/uploads");
    }

    private static void upload(List<Path> photos, List<URI> ingests, Map<String, String> tokens) throws Exception {
        for (int i = 0; i < photos.size(); i++) {
            HttpResponse<String> answer = PhotoUpload.send(
                    http,
                    ingests.get(i % ingests.size()),
                    Files.readAllBytes(photos.get(i)),
                    photos.get(i).getFileName().toString());
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
            JsonNode body = EventJson.mapper().readTree(answer.body());
            tokens.put(
                    body.path("uploadId").asString(), body.path("feedbackToken").asString());
        }
    }
}
