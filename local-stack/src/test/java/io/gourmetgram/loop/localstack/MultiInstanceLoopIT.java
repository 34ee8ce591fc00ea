package io.gourmetgram.loop.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import io.gourmetgram.loop.events.Annotation;
import io.gourmetgram.loop.events.AnnotationAction;
import io.gourmetgram.loop.events.EventJson;
import io.gourmetgram.loop.events.LabelingRequest;
import io.gourmetgram.loop.events.Prediction;
import io.gourmetgram.loop.events.RequestState;
import io.gourmetgram.loop.events.ReviewReason;
import io.gourmetgram.loop.events.testing.SharedFixtures;
import io.gourmetgram.loop.events.testing.TestEvents;
import io.gourmetgram.loop.events.topics.Topics;
import io.gourmetgram.loop.sampling.rules.LowConfidenceRule;
import io.gourmetgram.loop.sampling.rules.RandomSampleRule;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Several instances of every stage give exactly the results of one. A real broker with 6 partitions
 * per topic; ingest-api, inference-processor, sampling-streams and accuracy-streams as child JVMs,
 * one of each, then a second of each added while uploads are in flight, then the first inference and
 * sampling instances removed while the next uploads are in flight (two rebalances each). The outputs
 * are checked against what one instance gives by definition: exactly one prediction per upload; one
 * labeling request per selected upload whose reasons are the rules applied to that prediction and its
 * feedback; accuracy windows that count every prediction and every label once, the same on both
 * accuracy instances. (labeling-sink's replicas are tested in labeling-sink; here the test writes the
 * annotations Label Studio's webhooks would produce.)
 */
class MultiInstanceLoopIT {

    private static final List<String> MODULES =
            List.of("ingest-api", "inference-processor", "sampling-streams", "accuracy-streams");
    private static final int PARTITIONS = 6;
    private static final double RANDOM_RATE = 0.3;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(150);
    private static final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    static Path dataDir;

    private static Path repo;
    private static LoopStack stack;
    private static final List<StageProcess> added = new ArrayList<>();
    private static Map<String, String> childEnv;

    @BeforeAll
    static void startOneOfEach() throws Exception {
        repo = Path.of(System.getProperty("gourmetgram.repo.dir", "..")).toAbsolutePath();
        childEnv = Map.of(
                "KAFKA_TOPIC_PARTITIONS",
                Integer.toString(PARTITIONS),
                "SAMPLING_RANDOM_RATE",
                Double.toString(RANDOM_RATE),
                "INFERENCE_ONNX_THREADS",
                "1",
                // Small, quick-starting JVMs: the work here is little; CI has 2 cores for eight of them.
                "JDK_JAVA_OPTIONS",
                "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xss512k");
        List<Stage> first = MODULES.stream()
                .map(module -> new Stage(module, Ports.free(), Ports.free()))
                .toList();
        stack = LoopStack.start(
                new StackConfig(repo, dataDir, Ports.free(), Ports.free(), Ports.free(), first, childEnv));
    }

    @AfterAll
    static void stopEverything() throws Exception {
        for (StageProcess process : added) {
            process.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void twoInstancesOfEveryStageGiveTheResultsOfOne() throws Exception {
        List<Path> photos = SharedFixtures.food11Photos();
        Map<String, String> tokens = new LinkedHashMap<>();

        upload(photos.subList(0, 9), first("ingest-api"), tokens);
        for (String module : MODULES) {
            added.add(startSecond(module));
        }
        upload(photos.subList(9, 18), first("ingest-api"), tokens); // while the new instances join
        for (StageProcess process : added) {
            process.awaitHealthy(START_TIMEOUT);
        }
        // SIGTERM to both at once: each leaves its group and its partitions move to the second instance.
        List.of(first("inference-processor"), first("sampling-streams")).parallelStream()
                .forEach(process -> {
                    try {
                        process.close();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                    }
                });
        List<Integer> ingestPorts = List.of(
                first("ingest-api").stage().port(), second("ingest-api").stage().port());
        upload(
                photos.subList(18, photos.size()),
                ingestPorts.stream().map(MultiInstanceLoopIT::ingestAt).toList(),
                tokens);

        // Exactly one prediction per upload, however partitions moved.
        List<Prediction> predictions =
                new TopicReader(stack.kafkaBootstrap()).readUntil(Topics.PREDICTIONS, tokens.size());
        assertThat(predictions).extracting(Prediction::uploadId).containsExactlyInAnyOrderElementsOf(tokens.keySet());

        // Feedback through both ingest instances.
        List<String> flagged = predictions.stream()
                .map(Prediction::uploadId)
                .filter(id -> id.hashCode() % 4 == 0)
                .toList();
        for (int i = 0; i < flagged.size(); i++) {
            String id = flagged.get(i);
            HttpResponse<String> flag = http.send(
                    HttpRequest.newBuilder(URI.create(
                                    "http://localhost:" + ingestPorts.get(i % 2) + "/api/uploads/" + id + "/flag"))
                            .header("Content-Type", "application/json")
                            .header("X-Feedback-Token", tokens.get(id))
                            .POST(HttpRequest.BodyPublishers.ofString(""))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(flag.statusCode()).as(flag.body()).isEqualTo(202);
        }

        // One request per selected upload, with the reasons one instance would give.
        Map<String, Set<ReviewReason>> expected = expectedReasons(predictions, flagged);
        Map<String, List<LabelingRequest>> requests = new HashMap<>();
        Awaitility.await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
            requests.clear();
            new TopicReader(stack.kafkaBootstrap())
                    .readAll(Topics.LABELING_REQUESTS, Duration.ofSeconds(2))
                    .forEach(r -> requests.computeIfAbsent(r.uploadId(), k -> new ArrayList<>())
                            .add(r));
            Map<String, Set<ReviewReason>> latest = new HashMap<>();
            requests.forEach((id, revisions) -> latest.put(id, reasons(revisions.getLast())));
            assertThat(latest).isEqualTo(expected);
        });
        requests.forEach((id, revisions) -> assertThat(revisions)
                .extracting(LabelingRequest::revision)
                .as(id)
                .containsExactlyElementsOf(
                        IntStream.rangeClosed(1, revisions.size()).boxed().toList()));

        // Annotators label every open request (as labeling-sink publishes their webhooks).
        Map<String, Prediction> byUpload = new HashMap<>();
        predictions.forEach(p -> byUpload.put(p.uploadId(), p));
        long correct = 0;
        long annotated = 0;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", stack.kafkaBootstrap()),
                new StringSerializer(),
                new ByteArraySerializer())) {
            for (List<LabelingRequest> revisions : requests.values()) {
                LabelingRequest request = revisions.getLast();
                if (request.state() != RequestState.OPEN) {
                    continue;
                }
                String truth =
                        annotated % 2 == 0 ? byUpload.get(request.uploadId()).label() : "Soup";
                correct += truth.equals(byUpload.get(request.uploadId()).label()) ? 1 : 0;
                annotated++;
                Annotation annotation = TestEvents.annotation(request.uploadId())
                        .taskId(annotated)
                        .annotationId(annotated)
                        .label(truth)
                        .action(AnnotationAction.CREATED)
                        .updatedAt(Instant.now())
                        .at(Instant.now())
                        .build();
                producer.send(new ProducerRecord<>(
                                Topics.ANNOTATIONS.name(),
                                request.uploadId(),
                                Topics.ANNOTATIONS.valueSerde().serialize(Topics.ANNOTATIONS.name(), annotation)))
                        .get();
            }
        }
        assertThat(annotated).isPositive();

        // The same accuracy windows on both accuracy instances, counting every prediction and label once.
        long labels = annotated;
        long agreeing = correct;
        List<Integer> accuracyPorts = List.of(
                first("accuracy-streams").stage().port(),
                second("accuracy-streams").stage().port());
        Awaitility.await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
            JsonNode one = windows(accuracyPorts.get(0));
            assertThat(sum(one, "predictions")).isEqualTo(tokens.size());
            assertThat(sum(one, "labelled")).isEqualTo(labels);
            assertThat(sum(one, "correct")).isEqualTo(agreeing);
            assertThat(windows(accuracyPorts.get(1))).isEqualTo(one);
        });
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

    private static Set<ReviewReason> reasons(LabelingRequest request) {
        Set<ReviewReason> reasons = EnumSet.noneOf(ReviewReason.class);
        for (ReviewReason reason : ReviewReason.values()) {
            if (request.hasReason(reason)) {
                reasons.add(reason);
            }
        }
        return reasons;
    }

    private static StageProcess first(String module) {
        return stack.stages().stream()
                .filter(s -> s.stage().module().equals(module))
                .findFirst()
                .orElseThrow();
    }

    private static StageProcess second(String module) {
        return added.stream()
                .filter(s -> s.stage().module().equals(module))
                .findFirst()
                .orElseThrow();
    }

    /** A second instance: its own port, state directories and log, the same topics and group. */
    private static StageProcess startSecond(String module) throws Exception {
        Path own = dataDir.resolve("second");
        Map<String, String> env = new HashMap<>(childEnv);
        env.put("KAFKA_BOOTSTRAP_SERVERS", stack.kafkaBootstrap());
        env.put("S3_ENDPOINT", stack.s3Endpoint());
        env.put("S3_ACCESS_KEY", S3Node.ACCESS_KEY);
        env.put("S3_SECRET_KEY", S3Node.SECRET_KEY);
        env.put("SAMPLING_STATE_DIR", own.resolve("sampling-state").toString());
        env.put("ACCURACY_STATE_DIR", own.resolve("accuracy-state").toString());
        env.put("CURATION_STATE_DIR", own.resolve("curation-state").toString());
        Stage stage = new Stage(module, Ports.free(), Ports.free());
        return StageProcess.start(stage, stage.jar(repo), own.resolve("logs"), env);
    }

    private static URI ingestAt(int port) {
        return URI.create("http://localhost:" + port + "/api/uploads");
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

    private static void upload(List<Path> photos, StageProcess ingest, Map<String, String> tokens) throws Exception {
        upload(photos, List.of(ingestAt(ingest.stage().port())), tokens);
    }

    private static JsonNode windows(int port) throws Exception {
        HttpResponse<String> answer = http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/accuracy?window=tumbling"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return EventJson.mapper().readTree(answer.body());
    }

    private static long sum(JsonNode windows, String field) {
        long total = 0;
        for (JsonNode w : windows) {
            total += w.path(field).asLong();
        }
        return total;
    }
}
