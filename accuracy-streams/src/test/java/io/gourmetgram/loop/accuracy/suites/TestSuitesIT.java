package io.gourmetgram.loop.accuracy.suites;

import static org.assertj.core.api.Assertions.assertThat;

import io.gourmetgram.loop.accuracy.LiveAccuracyStreams;
import io.gourmetgram.loop.events.Annotation;
import io.gourmetgram.loop.events.AnnotationAction;
import io.gourmetgram.loop.events.EventJson;
import io.gourmetgram.loop.events.LabelingRequest;
import io.gourmetgram.loop.events.ModelRef;
import io.gourmetgram.loop.events.ObjectRef;
import io.gourmetgram.loop.events.Prediction;
import io.gourmetgram.loop.events.ReasonInclusion;
import io.gourmetgram.loop.events.RequestState;
import io.gourmetgram.loop.events.ReviewReason;
import io.gourmetgram.loop.events.ScoredLabel;
import io.gourmetgram.loop.events.SuiteManifestEntry;
import io.gourmetgram.loop.events.testing.S3TestServer;
import io.gourmetgram.loop.events.topics.Topics;
import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Test suites made over HTTP and from the command line, against the running application with a real
 * broker and S3 server: one per reason, each photo once with the label that stands now (an update
 * replaces a label, a deletion removes the photo), the photos copied into the suite's folder, a
 * manifest line per photo and a summary; listing shows them; bad requests get a problem.
 */
class TestSuitesIT extends LiveAccuracyStreams {

    private static final HttpClient http = HttpClient.newHttpClient();
    private static final ModelRef MODEL = new ModelRef("food11-suites", "3");
    private static final Instant AT = Instant.parse("2026-11-20T10:00:00Z");
    private final MinioClient s3 = MinioClient.builder()
            .endpoint(S3.endpoint())
            .credentials(S3TestServer.ACCESS_KEY, S3TestServer.SECRET_KEY)
            .build();

    @Test
    void aSuitePerReasonHoldsEachLabelledPhotoOnceWithItsCurrentLabel() throws Exception {
        photo("s-rand");
        photo("s-low");
        photo("s-both");
        photo("s-flag");
        photo("s-gone");
        photo("s-unlabelled");
        request("s-rand", 1, "Rice", 0.05, ReviewReason.RANDOM);
        request("s-low", 1, "Egg", 1.0, ReviewReason.LOW_CONFIDENCE);
        request("s-both", 1, "Soup", 0.05, ReviewReason.RANDOM, ReviewReason.LOW_CONFIDENCE);
        request("s-flag", 1, "Meat", 1.0, ReviewReason.LOW_CONFIDENCE);
        request("s-flag", 2, "Meat", 1.0, ReviewReason.LOW_CONFIDENCE, ReviewReason.FLAGGED); // a later revision
        request("s-gone", 1, "Rice", 1.0, ReviewReason.LOW_CONFIDENCE);
        request("s-unlabelled", 1, "Rice", 1.0, ReviewReason.LOW_CONFIDENCE);
        annotate("s-rand", 1, "Rice", AnnotationAction.CREATED, 0);
        annotate("s-low", 2, "Soup", AnnotationAction.CREATED, 0);
        annotate("s-low", 2, "Noodles/Pasta", AnnotationAction.UPDATED, 60); // the update is what counts
        annotate("s-both", 3, "Soup", AnnotationAction.CREATED, 0);
        annotate("s-flag", 4, "Bread", AnnotationAction.CREATED, 0);
        annotate("s-gone", 5, "Rice", AnnotationAction.CREATED, 0);
        annotate("s-gone", 5, null, AnnotationAction.DELETED, 60);

        JsonNode random = post("{\"reason\": \"random\", \"model\": \"" + MODEL.qualifiedName() + "\"}", 201);
        JsonNode lowConfidence = post("{\"reason\": \"low_confidence\", \"model\": \"food11-suites\"}", 201);
        JsonNode flagged = post("{\"reason\": \"flagged\", \"model\": \"" + MODEL.qualifiedName() + "\"}", 201);

        assertThat(random.get("name").asString()).matches("\\d{8}T\\d{6}Z-random");
        assertThat(random.get("prefix").asString())
                .isEqualTo("test-suites/" + random.get("name").asString() + "/");
        assertThat(random.get("count").asLong()).isEqualTo(2);
        assertThat(uploadIds(manifest(random))).containsExactly("s-both", "s-rand");
        assertThat(uploadIds(manifest(lowConfidence))).containsExactly("s-both", "s-flag", "s-low");
        assertThat(lowConfidence.get("byClass").get("Noodles/Pasta").asLong()).isEqualTo(1);
        assertThat(lowConfidence.get("byReason").get("random").asLong()).isEqualTo(1);
        assertThat(uploadIds(manifest(flagged))).containsExactly("s-flag");

        SuiteManifestEntry low = manifest(lowConfidence).stream()
                .filter(e -> e.uploadId().equals("s-low"))
                .findFirst()
                .orElseThrow();
        assertThat(low.humanLabel()).isEqualTo("Noodles/Pasta");
        assertThat(low.predictedLabel()).isEqualTo("Egg");
        assertThat(low.confidence()).isEqualTo(0.4);
        assertThat(low.model()).isEqualTo(MODEL);
        assertThat(low.annotator()).isEqualTo("annotator-7");
        assertThat(low.labelledAt()).isEqualTo(AT.plusSeconds(60));
        assertThat(low.source()).isEqualTo(new ObjectRef("production", "2026/11/20/s-low.jpg"));
        assertThat(low.image().key()).isEqualTo(lowConfidence.get("prefix").asString() + "images/s-low.jpg");
        assertThat(bytes(low.image())).isEqualTo(("photo s-low").getBytes(StandardCharsets.UTF_8));
        SuiteManifestEntry both = manifest(random).getFirst();
        assertThat(both.inclusionFor(ReviewReason.RANDOM)).isEqualTo(0.05);
        assertThat(both.inclusionProbability()).isEqualTo(1.0);

        JsonNode listed = EventJson.mapper().readTree(get("/api/test-suites").body());
        assertThat(listed.valueStream().map(s -> s.get("name").asString()).toList())
                .contains(
                        random.get("name").asString(),
                        lowConfidence.get("name").asString(),
                        flagged.get("name").asString());
    }

    @Test
    void theCommandLineMakesTheSameKindOfSuite() throws Exception {
        photo("c-one");
        request("c-one", 1, "Rice", 1.0, ReviewReason.CORRECTED);
        annotate("c-one", 9, "Seafood", AnnotationAction.CREATED, 0);
        Map<String, String> env = Map.of(
                "KAFKA_BOOTSTRAP_SERVERS",
                broker.getBrokersAsString(),
                "S3_ENDPOINT",
                S3.endpoint(),
                "S3_ACCESS_KEY",
                S3TestServer.ACCESS_KEY,
                "S3_SECRET_KEY",
                S3TestServer.SECRET_KEY);

        int made = TestSuiteCommand.run(
                new String[] {
                    "--reason=corrected",
                    "--model=food11-suites:3",
                    "--from=2026-11-20T00:00:00Z",
                    "--to=2026-11-21T00:00:00Z"
                },
                env);
        int nothing = TestSuiteCommand.run(
                new String[] {"--reason=corrected", "--model=food11-suites:3", "--from=2026-11-21T00:00:00Z"}, env);
        int bad = TestSuiteCommand.run(new String[] {"--reason=tasty"}, env);

        assertThat(List.of(made, nothing, bad)).containsExactly(0, 3, 2);
        SuiteSummary suite = new TestSuiteStore(s3, "production")
                .list().stream()
                        .filter(s -> s.name().endsWith("-corrected"))
                        .findFirst()
                        .orElseThrow();
        assertThat(suite.count()).isEqualTo(1);
        assertThat(suite.byClass()).isEqualTo(Map.of("Seafood", 1L));
    }

    @Test
    void aBadRequestOrAnEmptySelectionGetsAProblemAndNoSuite() throws Exception {
        assertThat(post("{\"reason\": \"tasty\"}", 400).get("detail").asString())
                .contains("random, low_confidence");
        assertThat(post("{\"reason\": \"all\", \"from\": \"yesterday\"}", 400)
                        .get("detail")
                        .asString())
                .contains("ISO-8601");
        assertThat(post("{\"reason\": \"all\", \"model\": \"no-such-model\"}", 422)
                        .get("detail")
                        .asString())
                .contains("no-such-model");
    }

    private void photo(String id) throws Exception {
        if (!s3.bucketExists(BucketExistsArgs.builder().bucket("production").build())) {
            s3.makeBucket(MakeBucketArgs.builder().bucket("production").build());
        }
        byte[] bytes = ("photo " + id).getBytes(StandardCharsets.UTF_8);
        s3.putObject(PutObjectArgs.builder().bucket("production").object("2026/11/20/" + id + ".jpg").stream(
                        new ByteArrayInputStream(bytes), bytes.length, -1)
                .contentType("image/jpeg")
                .build());
    }

    private void request(String id, int revision, String predicted, double randomRate, ReviewReason... reasons)
            throws Exception {
        Prediction p = new Prediction(
                id,
                new ObjectRef("production", "2026/11/20/" + id + ".jpg"),
                MODEL,
                predicted,
                0,
                0.4,
                List.of(new ScoredLabel(predicted, 0, 0.4)),
                1.0,
                AT);
        List<ReasonInclusion> inclusions = Arrays.stream(reasons)
                .map(r -> new ReasonInclusion(r, r == ReviewReason.RANDOM ? randomRate : 1.0))
                .toList();
        double overall = inclusions.stream().anyMatch(r -> r.reason() != ReviewReason.RANDOM) ? 1.0 : randomRate;
        send(
                Topics.LABELING_REQUESTS,
                id,
                new LabelingRequest(id, revision, RequestState.OPEN, inclusions, overall, p, null, AT, AT));
    }

    private void annotate(String id, long annotationId, String label, AnnotationAction action, int secondsLater)
            throws Exception {
        Instant at = AT.plusSeconds(secondsLater);
        send(Topics.ANNOTATIONS, id, new Annotation(id, 1, annotationId, label, "annotator-7", 2.0, action, at, at));
    }

    private JsonNode post(String body, int status) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/test-suites"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return EventJson.mapper().readTree(response.body());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private List<SuiteManifestEntry> manifest(JsonNode suite) throws Exception {
        String text = new String(
                bytes(new ObjectRef(
                        suite.get("bucket").asString(), suite.get("prefix").asString() + "manifest.jsonl")),
                StandardCharsets.UTF_8);
        return text.lines()
                .map(line -> EventJson.mapper().readValue(line, SuiteManifestEntry.class))
                .toList();
    }

    private byte[] bytes(ObjectRef ref) throws Exception {
        try (InputStream in = s3.getObject(
                GetObjectArgs.builder().bucket(ref.bucket()).object(ref.key()).build())) {
            return in.readAllBytes();
        }
    }

    private static List<String> uploadIds(List<SuiteManifestEntry> entries) {
        return entries.stream().map(SuiteManifestEntry::uploadId).toList();
    }
}
