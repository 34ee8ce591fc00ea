package io.gourmetgram.loop.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
    void labelStudioSettingsArePassedThroughOnlyWhenSet() {
        StackConfig config = StackConfig.parse(
                new String[0],
                Map.of("LABEL_STUDIO_URL", "http://localhost:8085", "LABEL_STUDIO_API_KEY", "", "PATH", "/bin"));

        assertThat(config.passThroughEnv()).containsOnly(Map.entry("LABEL_STUDIO_URL", "http://localhost:8085"));
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
