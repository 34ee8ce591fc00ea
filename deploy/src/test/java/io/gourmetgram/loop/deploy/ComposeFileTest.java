package io.gourmetgram.loop.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** docker-compose/ as a newcomer runs it: valid, pinned, every secret from .env, stages healthy and non-root. */
class ComposeFileTest {

    private static final Path DIR = Repo.path("docker-compose");
    private static final Path COMPOSE = DIR.resolve("docker-compose.yml");
    private static final List<String> STAGES =
            List.of("ingest-api", "inference-processor", "sampling-streams", "labeling-sink", "accuracy-streams");

    @Test
    void composeAcceptsTheFileWithTheExampleEnvironment() throws Exception {
        ExternalTool.DOCKER_COMPOSE.assumeInstalled();
        // Variables of .env.example given through the environment, so no .env file is written into the repository.
        ExternalTool.Result result =
                ExternalTool.DOCKER_COMPOSE.run(DIR, exampleEnv(), "-f", COMPOSE.toString(), "config", "-q");
        assertThat(result.exitCode()).as(result.output()).isZero();
    }

    @Test
    void composeRefusesToStartWithoutTheSecrets() throws Exception {
        ExternalTool.DOCKER_COMPOSE.assumeInstalled();
        ExternalTool.Result result = ExternalTool.DOCKER_COMPOSE.run(
                Path.of(System.getProperty("java.io.tmpdir")),
                Map.of(),
                "-f",
                COMPOSE.toString(),
                "--project-directory",
                System.getProperty("java.io.tmpdir"),
                "config",
                "-q");
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output()).contains("in .env");
    }

    @Test
    void everyImageIsPinnedAndEveryStageIsBuiltFromThisRepository() throws IOException {
        Map<String, Map<String, Object>> services = services();
        for (var e : services.entrySet()) {
            Object image = e.getValue().get("image");
            assertThat(image).as(e.getKey() + " names its image").isNotNull();
            assertThat(image.toString()).as(e.getKey()).matches("[^:]+:[^:]+").doesNotEndWith(":latest");
        }
        for (String stage : STAGES) {
            Map<String, Object> build = cast(services.get(stage).get("build"));
            assertThat(build).as(stage).containsEntry("context", "..").containsEntry("dockerfile", "Dockerfile");
            Map<String, Object> args = cast(build.get("args"));
            assertThat(args).as(stage).containsEntry("MODULE", stage);
        }
        assertThat(services.get("kafka").get("image").toString()).startsWith("apache/kafka:");
    }

    @Test
    void secretsComeOnlyFromTheEnvironmentAndEveryVariableIsInTheExample() throws IOException {
        String compose = Files.readString(COMPOSE);
        Pattern variable = Pattern.compile("\\$\\{([A-Z0-9_]+)(:?[-?][^}]*)?}");
        Matcher m = variable.matcher(compose);
        Map<String, String> example = exampleEnv();
        while (m.find()) {
            assertThat(example).as(".env.example lists " + m.group(1)).containsKey(m.group(1));
        }
        Pattern secretKey =
                Pattern.compile("(?m)^\\s+([A-Z0-9_]*(PASSWORD|SECRET|API_KEY|ACCESS_KEY|TOKEN)[A-Z0-9_]*):\\s*(.*)$");
        Matcher s = secretKey.matcher(compose);
        while (s.find()) {
            if (s.group(3).matches("\"?(true|false)\"?")) {
                continue; // a switch such as LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN, not a secret
            }
            assertThat(s.group(3)).as(s.group(1) + " comes from .env").matches("\"?\\$\\{[A-Z0-9_]+:\\?[^}]+}\"?");
        }
    }

    @Test
    void labelStudioCallsTheSinkOnAHostWithATopLevelDomainAndBrowsersUseAnotherUrl() throws IOException {
        Map<String, Object> sink = services().get("labeling-sink");
        Map<String, Object> env = cast(sink.get("environment"));
        Map<String, Map<String, List<String>>> networks = cast(sink.get("networks"));
        List<String> aliases = networks.get("default").get("aliases");
        String webhook = env.get("LABELING_WEBHOOK_URL").toString();
        String host = java.net.URI.create(webhook).getHost();
        assertThat(aliases).contains(host);
        assertThat(host).as("Label Studio refuses webhook hosts without a TLD").matches(".+\\.[a-z]{2,}");
        assertThat(env.get("LABELING_PUBLIC_URL").toString()).isNotEqualTo(webhook);
    }

    @Test
    void theStageImageRunsAsANonRootUserAndChecksActuatorHealth() throws IOException {
        String dockerfile = Files.readString(Repo.path("Dockerfile"));
        List<String> users =
                dockerfile.lines().filter(l -> l.startsWith("USER ")).toList();
        assertThat(users).isNotEmpty();
        assertThat(users.getLast()).doesNotContain("root").doesNotMatch("USER 0(:.*)?");
        assertThat(dockerfile).contains("HEALTHCHECK").contains("/actuator/health");
        assertThat(dockerfile.lines().filter(l -> l.matches("(?i)\\s*(ENV|ARG).*(PASSWORD|SECRET|_KEY|TOKEN).*")))
                .as("no secret in the image")
                .isEmpty();
        assertThat(dockerfile).doesNotContain(":latest");
    }

    static Map<String, String> exampleEnv() throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(DIR.resolve(".env.example"))) {
            p.load(r);
        }
        Map<String, String> env = new LinkedHashMap<>();
        p.forEach((k, v) -> env.put(k.toString(), v.toString()));
        return env;
    }

    private static Map<String, Map<String, Object>> services() throws IOException {
        try (Reader r = Files.newBufferedReader(COMPOSE)) {
            Map<String, Object> doc = new Yaml().load(r);
            return cast(doc.get("services"));
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> T cast(Object o) {
        return (T) o;
    }
}
