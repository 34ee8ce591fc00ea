package io.gourmetgram.loop.inference.evaluation;

import io.gourmetgram.loop.events.EventJson;
import io.gourmetgram.loop.inference.model.ImageClassifier;
import io.gourmetgram.loop.inference.model.ModelFiles;
import io.gourmetgram.loop.inference.storage.ImageStore;
import io.minio.MinioClient;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Evaluates a candidate model on a test suite against the production predictions in it:
 * <pre>
 * ORT_DISABLE_TELEMETRY=1 java -cp inference-processor-exec.jar \
 *     -Dloader.main=io.gourmetgram.loop.inference.evaluation.EvaluateCommand \
 *     org.springframework.boot.loader.launch.PropertiesLauncher \
 *     --suite=s3://production/test-suites/20261130T120000Z-random/ --model=/models/candidate [--json=report.json] [--alpha=0.05]
 * </pre>
 * {@code --suite} may also be a local copy of a suite folder; {@code --model} is a directory with
 * {@code model.onnx} and {@code model.json}, or {@code builtin} for the shipped demo model. An object-store
 * suite needs {@code S3_ENDPOINT}, {@code S3_ACCESS_KEY}, {@code S3_SECRET_KEY}. Prints a table; the JSON
 * report goes to {@code --json} (or to standard output with {@code --json=-}).
 * Exit status: 0 evaluated, 2 bad arguments, 1 other failure.
 */
public final class EvaluateCommand {

    private EvaluateCommand() {}

    public static void main(String[] args) {
        // the answer goes to standard output: keep the clients' INFO logging out of it
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        System.exit(run(args, System.getenv(), System.out, System.err));
    }

    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        Map<String, String> options = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (!arg.startsWith("--") || eq < 0) {
                return usage(err, "Unexpected argument '" + arg + "'.");
            }
            options.put(arg.substring(2, eq), arg.substring(eq + 1));
        }
        String suiteLocation = options.get("suite");
        String model = options.get("model");
        if (suiteLocation == null || model == null) {
            return usage(err, "--suite and --model are required.");
        }
        try {
            double alpha = Double.parseDouble(options.getOrDefault("alpha", "0.05"));
            if (!(alpha > 0 && alpha < 1)) {
                return usage(err, "--alpha must be between 0 and 1.");
            }
            TestSuite suite = suiteLocation.startsWith("s3://")
                    ? TestSuite.fromObjectStore(objectStore(env), suiteLocation)
                    : TestSuite.fromDirectory(Path.of(suiteLocation));
            ModelFiles files =
                    "builtin".equals(model) ? ModelFiles.builtIn() : ModelFiles.fromDirectory(Path.of(model));
            EvaluationReport report;
            try (ImageClassifier classifier = ImageClassifier.load(files, 0)) {
                CandidateRun.Answers answers = CandidateRun.run(classifier, suite);
                report = ModelComparison.compare(
                        suite.name(), suite.reason(), files.modelRef(), answers.outcomes(), answers.skipped(), alpha);
            }
            String json = EventJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(report);
            String jsonTarget = options.get("json");
            if ("-".equals(jsonTarget)) {
                out.println(json);
            } else {
                out.print(ReportTable.render(report));
                if (jsonTarget != null) {
                    Files.writeString(Path.of(jsonTarget), json);
                }
            }
            return 0;
        } catch (IllegalArgumentException e) {
            return usage(err, e.getMessage());
        } catch (Exception e) {
            err.println("Evaluation failed: " + e);
            return 1;
        }
    }

    private static ImageStore objectStore(Map<String, String> env) {
        String access = env.get("S3_ACCESS_KEY");
        String secret = env.get("S3_SECRET_KEY");
        if (access == null || secret == null) {
            throw new IllegalArgumentException("An s3:// suite needs S3_ACCESS_KEY and S3_SECRET_KEY (and S3_ENDPOINT,"
                    + " default http://localhost:9000).");
        }
        return new ImageStore(MinioClient.builder()
                .endpoint(env.getOrDefault("S3_ENDPOINT", "http://localhost:9000"))
                .credentials(access, secret)
                .build());
    }

    private static int usage(PrintStream err, String problem) {
        err.println(problem);
        err.println(
                "Usage: EvaluateCommand --suite=s3://<bucket>/test-suites/<name>/|<folder> --model=<model dir>|builtin"
                        + " [--json=<file>|-] [--alpha=0.05]");
        return 2;
    }
}
