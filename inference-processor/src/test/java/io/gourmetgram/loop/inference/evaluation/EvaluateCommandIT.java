package io.gourmetgram.loop.inference.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import io.gourmetgram.loop.events.EventJson;
import io.gourmetgram.loop.events.Food11;
import io.gourmetgram.loop.events.ModelRef;
import io.gourmetgram.loop.events.ObjectRef;
import io.gourmetgram.loop.events.ReasonInclusion;
import io.gourmetgram.loop.events.ReviewReason;
import io.gourmetgram.loop.events.SuiteManifestEntry;
import io.gourmetgram.loop.events.testing.S3TestServer;
import io.gourmetgram.loop.events.testing.SharedFixtures;
import io.gourmetgram.loop.inference.model.ModelFiles;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The evaluation command on a suite laid out in a real S3 server as accuracy-streams writes it: the 27
 * shared photos labelled with their true class, production's answers taken as given in the manifest.
 * The shipped demo model (which knows these photos) against a production that answered "Rice" to
 * everything is better; a candidate that names every class one off is worse; both through the same
 * ONNX Runtime and preprocessing code as the inference stage.
 */
class EvaluateCommandIT {

    private static final S3TestServer S3 = S3TestServer.start();
    private static final String SUITE = "s3://production/test-suites/20261130T120000Z-random/";
    private static Map<String, String> env;

    @TempDir
    Path temp;

    @BeforeAll
    static void layOutSuite() throws Exception {
        MinioClient s3 = MinioClient.builder()
                .endpoint(S3.endpoint())
                .credentials(S3TestServer.ACCESS_KEY, S3TestServer.SECRET_KEY)
                .build();
        s3.makeBucket(MakeBucketArgs.builder().bucket("production").build());
        String prefix = "test-suites/20261130T120000Z-random/";
        StringBuilder manifest = new StringBuilder();
        List<Path> photos = SharedFixtures.food11Photos();
        for (int i = 0; i < photos.size(); i++) {
            Path photo = photos.get(i);
            String id = "upload-" + i;
            ObjectRef image = new ObjectRef("production", prefix + "images/" + id + ".jpg");
            put(s3, image.key(), Files.readAllBytes(photo));
            double rate = i % 2 == 0 ? 0.05 : 0.5; // sampled in hours with different rates
            manifest.append(EventJson.mapper()
                            .writeValueAsString(new SuiteManifestEntry(
                                    id,
                                    image,
                                    new ObjectRef("production", "2026/11/30/" + id + ".jpg"),
                                    Food11.LABELS.get(SharedFixtures.trueClassIndex(photo)),
                                    "Rice",
                                    0.3,
                                    new ModelRef("food11-prod", "1"),
                                    Instant.parse("2026-11-30T10:00:00Z"),
                                    List.of(new ReasonInclusion(ReviewReason.RANDOM, rate)),
                                    rate,
                                    "7",
                                    Instant.parse("2026-11-30T11:00:00Z"))))
                    .append('\n');
        }
        put(s3, prefix + "manifest.jsonl", manifest.toString().getBytes(StandardCharsets.UTF_8));
        put(
                s3,
                prefix + "suite.json",
                ("{\"name\": \"20261130T120000Z-random\", \"selection\": {\"reason\": \"random\"}," + " \"count\": "
                                + photos.size() + "}")
                        .getBytes(StandardCharsets.UTF_8));
        env = Map.of(
                "S3_ENDPOINT",
                S3.endpoint(),
                "S3_ACCESS_KEY",
                S3TestServer.ACCESS_KEY,
                "S3_SECRET_KEY",
                S3TestServer.SECRET_KEY);
    }

    @AfterAll
    static void stop() throws Exception {
        S3.close();
    }

    @Test
    void theDemoModelBeatsAProductionThatAnsweredRiceToEverything() throws Exception {
        Path json = temp.resolve("report.json");

        Run run = evaluate("--suite=" + SUITE, "--model=builtin", "--json=" + json);

        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out())
                .contains(
                        "Candidate food11-demo:",
                        "vs production food11-prod:1",
                        "random, weighted",
                        "CANDIDATE BETTER",
                        "Confusion");
        JsonNode report = EventJson.mapper().readTree(Files.readString(json));
        assertThat(report.path("evaluated").asLong()).isEqualTo(27);
        assertThat(report.path("suiteReason").asString()).isEqualTo("random");
        assertThat(report.path("overall").path("candidateAccuracy").asDouble())
                .isEqualTo(1.0); // it was trained on them
        assertThat(report.path("overall").path("productionAccuracy").asDouble()).isLessThan(0.2);
        assertThat(report.path("paired").path("mcnemar").path("pValue").asDouble())
                .isLessThan(0.001);
        assertThat(report.path("perClass").path("Soup").path("candidateCorrect").asLong())
                .isPositive();
        assertThat(report.path("randomWeighted").path("candidateAccuracy").asDouble())
                .isEqualTo(1.0);
        assertThat(report.path("confusion").path("Soup").path("Soup").asLong())
                .isEqualTo(report.path("perClass").path("Soup").path("photos").asLong());
    }

    @Test
    void aCandidateThatNamesEveryClassOneOffIsWorseThanTheDemoModel() throws Exception {
        Path shifted = modelWithLabelsShiftedByOne();

        Run demo = evaluate("--suite=" + SUITE, "--model=builtin", "--json=-");
        Run candidate = evaluate("--suite=" + SUITE, "--model=" + shifted, "--json=-");

        JsonNode candidateReport = EventJson.mapper().readTree(candidate.out());
        assertThat(candidate.status()).as(candidate.err()).isZero();
        assertThat(candidateReport.path("overall").path("candidateAccuracy").asDouble())
                .isZero();
        assertThat(candidateReport.path("candidate").path("id").asString()).isEqualTo("food11-shifted");
        assertThat(EventJson.mapper()
                        .readTree(demo.out())
                        .path("paired")
                        .path("verdict")
                        .asString())
                .isEqualTo(EvaluationReport.BETTER);
        assertThat(candidateReport.path("paired").path("verdict").asString())
                .as("no better than a production that was almost always wrong")
                .isNotEqualTo(EvaluationReport.BETTER);
    }

    @Test
    void badArgumentsAreExplained() {
        Run missing = evaluate("--suite=" + SUITE);
        Run notASuite = evaluate("--suite=s3://production/test-suites/nothing/", "--model=builtin");

        assertThat(missing.status()).isEqualTo(2);
        assertThat(missing.err()).contains("--model");
        assertThat(notASuite.status()).isEqualTo(2);
        assertThat(notASuite.err()).contains("not a complete test suite");
    }

    private Path modelWithLabelsShiftedByOne() throws Exception {
        Path dir = Files.createDirectories(temp.resolve("shifted"));
        ModelFiles demo = ModelFiles.builtIn();
        Files.write(dir.resolve("model.onnx"), demo.onnx());
        ObjectNode sidecar = (ObjectNode) EventJson.mapper().valueToTree(demo.sidecar());
        List<String> shifted =
                new ArrayList<>(demo.labels().subList(1, demo.labels().size()));
        shifted.add(demo.labels().getFirst());
        sidecar.put("id", "food11-shifted");
        sidecar.set("labels", EventJson.mapper().valueToTree(shifted));
        Files.writeString(dir.resolve("model.json"), EventJson.mapper().writeValueAsString(sidecar));
        return dir;
    }

    private record Run(int status, String out, String err) {}

    private static Run evaluate(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = EvaluateCommand.run(
                args,
                env,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static void put(MinioClient s3, String key, byte[] bytes) throws Exception {
        s3.putObject(PutObjectArgs.builder().bucket("production").object(key).stream(
                        new ByteArrayInputStream(bytes), bytes.length, -1)
                .build());
    }
}
