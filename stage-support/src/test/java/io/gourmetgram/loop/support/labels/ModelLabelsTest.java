package io.gourmetgram.loop.support.labels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gourmetgram.loop.events.Food11;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelLabelsTest {

    @TempDir
    Path dir;

    @Test
    void readsTheLabelsOfAModelSidecarInOutputOrder() throws Exception {
        Path sidecar = Files.writeString(
                dir.resolve("model.json"),
                "{\"id\": \"cats\", \"labels\": [\"Tabby\", \"Siamese\"], \"input\": {\"name\": \"x\"}}");

        ModelLabels labels = ModelLabels.fromSidecar(sidecar);

        assertThat(labels.labels()).containsExactly("Tabby", "Siamese");
        assertThat(labels.contains("Siamese")).isTrue();
        assertThat(labels.contains("siamese")).as("labels are exact").isFalse();
    }

    @Test
    void aStageWithoutMODEL_LABELS_FILEServesFood11AndOneWithItServesTheSidecar() throws Exception {
        Path sidecar = Files.writeString(dir.resolve("model.json"), "{\"labels\": [\"Tabby\"]}");

        assertThat(ModelLabels.configured((String) null).labels()).isEqualTo(Food11.LABELS);
        assertThat(ModelLabels.configured(" ").labels()).isEqualTo(Food11.LABELS);
        assertThat(ModelLabels.configured(sidecar).labels()).containsExactly("Tabby");
    }

    @Test
    void defaultsToFood11() {
        assertThat(ModelLabels.food11().labels()).isEqualTo(Food11.LABELS);
    }

    @Test
    void aSidecarWithoutUsableLabelsStopsStartupNamingTheFile() throws Exception {
        Path noLabels = Files.writeString(dir.resolve("a.json"), "{\"id\": \"m\"}");
        Path notJson = Files.writeString(dir.resolve("b.json"), "labels: [Soup]");
        Path twice = Files.writeString(dir.resolve("c.json"), "{\"labels\": [\"Soup\", \"Soup\"]}");

        assertThatThrownBy(() -> ModelLabels.fromSidecar(noLabels))
                .hasMessageContaining("a.json")
                .hasMessageContaining("\"labels\" array");
        assertThatThrownBy(() -> ModelLabels.fromSidecar(notJson))
                .hasMessageContaining("b.json")
                .hasMessageContaining("JSON");
        assertThatThrownBy(() -> ModelLabels.fromSidecar(twice)).hasMessageContaining("twice");
        assertThatThrownBy(() -> ModelLabels.fromSidecar(dir.resolve("missing.json")))
                .hasMessageContaining("missing.json");
    }
}
