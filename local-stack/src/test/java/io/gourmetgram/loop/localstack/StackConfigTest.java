package io.gourmetgram.loop.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StackConfigTest {

    @Test
    void defaultsAreTheDocumentedPortsAndDataDirectory() {
        StackConfig config = StackConfig.parse(new String[0], Map.of());

        assertThat(config.kafkaPort()).isEqualTo(9092);
        assertThat(config.s3Port()).isEqualTo(9000);
        assertThat(config.dataDir().getFileName()).hasToString(".local-stack");
        assertThat(config.stages()).extracting(Stage::module).startsWith("ingest-api", "inference-processor");
    }

    @Test
    void everyStagesActuatorIsOnItsHttpPortPlusAThousand() {
        StackConfig config = StackConfig.parse(new String[0], Map.of());

        assertThat(config.stages())
                .allSatisfy(stage -> assertThat(stage.managementPort()).isEqualTo(stage.port() + 1000));
        assertThat(config.stages().getFirst().managementPort()).isEqualTo(9080);
    }

    @Test
    void stagePortsMoveEveryStageInItsPlaceEvenWhenOnlySomeStart() {
        StackConfig config =
                StackConfig.parse(new String[] {"--stage-ports", "38080", "--only", "sampling-streams"}, Map.of());

        assertThat(config.stages()).containsExactly(new Stage("sampling-streams", 38082, 39082));
        assertThatThrownBy(() -> StackConfig.parse(new String[] {"--stage-ports", "65000"}, Map.of()))
                .hasMessageContaining("--stage-ports must leave room");
    }

    @Test
    void runLocalStackStartsStagesFromStartUpArchivesUnlessTurnedOffAndTestsDoNot() {
        StackConfig config = StackConfig.parse(new String[0], Map.of());
        assertThat(config.startupArchives()).isTrue();
        assertThat(config.startupArchiveDir()).isEqualTo(config.dataDir().resolve("startup-archives"));
        assertThat(StackConfig.parse(new String[0], Map.of("LOCAL_STACK_STARTUP_ARCHIVE", "off"))
                        .startupArchives())
                .isFalse();
        assertThat(new StackConfig(config.repoRoot(), config.dataDir(), 1, 2, 3, List.of(), Map.of()).startupArchives())
                .isFalse();
    }

    @Test
    void lightStagesCompileWithC1AloneAndTheStagesThatHashOrResampleEveryByteKeepC2() {
        StageJvmOptions defaults = StageJvmOptions.defaults();

        assertThat(List.of("sampling-streams", "labeling-sink", "accuracy-streams"))
                .allSatisfy(module -> assertThat(defaults.of(module)).contains("-XX:TieredStopAtLevel=1"));
        assertThat(List.of("ingest-api", "inference-processor"))
                .allSatisfy(module ->
                        assertThat(defaults.of(module)).noneMatch(o -> o.startsWith("-XX:TieredStopAtLevel")));
    }

    @Test
    void labelStudioSettingsArePassedThroughOnlyWhenSet() {
        StackConfig config = StackConfig.parse(
                new String[0],
                Map.of("LABEL_STUDIO_URL", "http://localhost:8085", "LABEL_STUDIO_API_KEY", "", "PATH", "/bin"));

        assertThat(config.passThroughEnv()).containsOnly(Map.entry("LABEL_STUDIO_URL", "http://localhost:8085"));
    }

    @Test
    void theStartTimeoutIsTwoMinutesUnlessTheFlagOrTheEnvironmentSaysOtherwise() {
        assertThat(StackConfig.parse(new String[0], Map.of()).startTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(StackConfig.parse(new String[0], Map.of("LOCAL_STACK_START_TIMEOUT", "300s"))
                        .startTimeout())
                .isEqualTo(Duration.ofMinutes(5));
        assertThat(StackConfig.parse(
                                new String[] {"--start-timeout", "10m"}, Map.of("LOCAL_STACK_START_TIMEOUT", "300s"))
                        .startTimeout())
                .isEqualTo(Duration.ofMinutes(10));
        assertThatThrownBy(() -> StackConfig.parse(new String[] {"--start-timeout", "soon"}, Map.of()))
                .hasMessageContaining("--start-timeout must be a positive duration such as 300s or 5m, not 'soon'");
        assertThatThrownBy(() -> StackConfig.parse(new String[0], Map.of("LOCAL_STACK_START_TIMEOUT", "0s")))
                .hasMessageContaining("LOCAL_STACK_START_TIMEOUT must be a positive duration");
    }

    @Test
    void everyStageGetsABoundedHeapAndAStagesVariableReplacesItsOptions() {
        StackConfig defaults = StackConfig.parse(new String[0], Map.of());
        assertThat(defaults.stages())
                .allSatisfy(stage -> assertThat(defaults.jvmOptions().of(stage.module()))
                        .anyMatch(option -> option.startsWith("-Xmx"))
                        .contains("-XX:+UseSerialGC"));
        // inference-processor holds two 40 MP photos' pixels (ingest-api's limit) at once: 240 MB.
        assertThat(defaults.jvmOptions().of("inference-processor")).contains("-Xmx512m");

        StackConfig overridden = StackConfig.parse(
                new String[0], Map.of("INFERENCE_JVM_OPTIONS", " -Xmx1g  -XX:+UseG1GC ", "SAMPLING_JVM_OPTIONS", ""));
        assertThat(overridden.jvmOptions().of("inference-processor")).containsExactly("-Xmx1g", "-XX:+UseG1GC");
        assertThat(overridden.jvmOptions().of("sampling-streams")).isEmpty(); // the JVM's own defaults
        assertThat(overridden.jvmOptions().of("ingest-api"))
                .isEqualTo(defaults.jvmOptions().of("ingest-api"));
    }

    @Test
    void badOptionsAreExplained() {
        assertThatThrownBy(() -> StackConfig.parse(new String[] {"--kafka-port", "nine"}, Map.of()))
                .hasMessageContaining("--kafka-port must be a port number");
        assertThatThrownBy(() -> StackConfig.parse(new String[] {"--only", "ingest-api,nope"}, Map.of()))
                .hasMessageContaining("Unknown stage 'nope'");
        assertThatThrownBy(() -> StackConfig.parse(new String[] {"--frobnicate", "1"}, Map.of()))
                .hasMessageContaining("Unknown option --frobnicate")
                .hasMessageContaining("Usage");
    }
}
