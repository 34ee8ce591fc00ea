package io.gourmetgram.loop.accuracy.suites;

import io.gourmetgram.loop.events.EventJson;
import io.minio.MinioClient;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * Makes (or lists) test suites from a shell, without a running accuracy-streams:
 * <pre>
 * java -cp accuracy-streams-exec.jar -Dloader.main=io.gourmetgram.loop.accuracy.suites.TestSuiteCommand \
 *      org.springframework.boot.loader.launch.PropertiesLauncher --reason=random [--from=ISO] [--to=ISO] [--model=id[:version]]
 * ... --list
 * </pre>
 * Environment: {@code KAFKA_BOOTSTRAP_SERVERS}, {@code S3_ENDPOINT}, {@code S3_ACCESS_KEY}, {@code S3_SECRET_KEY},
 * {@code ACCURACY_SUITES_BUCKET} (or {@code S3_BUCKET}). Prints the suite's {@code suite.json}.
 * Exit status: 0 made, 2 bad arguments or settings, 3 nothing to include, 1 other failure.
 */
public final class TestSuiteCommand {

    private TestSuiteCommand() {}

    public static void main(String[] args) {
        // the answer goes to standard output: keep the clients' INFO logging out of it
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        System.exit(run(args, System.getenv()));
    }

    static int run(String[] args, Map<String, String> env) {
        Map<String, String> options = new HashMap<>();
        for (String arg : args) {
            if (!arg.startsWith("--")) {
                return usage("Unexpected argument '" + arg + "'.");
            }
            int eq = arg.indexOf('=');
            options.put(eq < 0 ? arg.substring(2) : arg.substring(2, eq), eq < 0 ? "" : arg.substring(eq + 1));
        }
        String accessKey = env.get("S3_ACCESS_KEY");
        String secretKey = env.get("S3_SECRET_KEY");
        if (accessKey == null || secretKey == null) {
            return usage("Set S3_ACCESS_KEY and S3_SECRET_KEY (and S3_ENDPOINT, default http://localhost:9000).");
        }
        MinioClient s3 = MinioClient.builder()
                .endpoint(env.getOrDefault("S3_ENDPOINT", "http://localhost:9000"))
                .credentials(accessKey, secretKey)
                .build();
        String bucket = env.getOrDefault("ACCURACY_SUITES_BUCKET", env.getOrDefault("S3_BUCKET", "production"));
        LabelledUploadReader reader =
                new LabelledUploadReader(env.getOrDefault("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092"));
        TestSuites suites = new TestSuites(reader::readAll, new TestSuiteStore(s3, bucket), Clock.systemUTC());
        try {
            Object answer = options.containsKey("list")
                    ? suites.list()
                    : suites.create(SuiteSelection.of(
                            options.get("reason"), options.get("from"), options.get("to"), options.get("model")));
            System.out.println(
                    EventJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(answer));
            return 0;
        } catch (IllegalArgumentException e) {
            return usage(e.getMessage());
        } catch (TestSuites.NothingToInclude e) {
            System.err.println(e.getMessage());
            return 3;
        } catch (Exception e) {
            System.err.println("Could not make the test suite: " + e);
            return 1;
        }
    }

    private static int usage(String problem) {
        System.err.println(problem);
        System.err.println("Usage: TestSuiteCommand --reason=random|low_confidence|flagged|corrected|all"
                + " [--from=2026-11-24T00:00:00Z] [--to=...] [--model=id[:version]]  |  --list");
        return 2;
    }
}
