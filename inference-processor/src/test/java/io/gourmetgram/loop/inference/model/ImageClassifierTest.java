package io.gourmetgram.loop.inference.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.gourmetgram.loop.events.Food11;
import io.gourmetgram.loop.events.testing.SharedFixtures;
import io.gourmetgram.loop.inference.preprocessing.ImageDecoder;
import io.gourmetgram.loop.inference.preprocessing.ImagePreprocessor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImageClassifierTest {

    @Test
    void builtInDemoModelScoresEverySamplePhotoWithAProbabilityDistributionOverFood11() throws Exception {
        try (ImageClassifier classifier = ImageClassifier.load(ModelFiles.builtIn(), 0)) {
            assertThat(classifier.files().labels()).isEqualTo(Food11.LABELS);
            ImagePreprocessor preprocessor =
                    new ImagePreprocessor(classifier.files().sidecar());
            List<float[]> tensors = new ArrayList<>();
            for (Path photo : SharedFixtures.food11Photos()) {
                tensors.add(preprocessor.toTensor(ImageDecoder.decode(Files.readAllBytes(photo))));
            }

            float[][] batch = classifier.classify(tensors);

            assertThat(batch).hasNumberOfRows(27);
            for (float[] row : batch) {
                assertThat(row).hasSize(11);
                assertThat(sum(row)).isCloseTo(1.0, within(1e-5));
            }
            // One image alone scores as it did inside the batch.
            assertThat(classifier.classify(List.of(tensors.get(5)))[0]).containsExactly(batch[5], within(1e-5f));
            // The demo model looks at the picture: not every photo gets the same answer.
            assertThat(java.util.Arrays.stream(batch)
                            .map(ImageClassifierTest::argmax)
                            .distinct()
                            .count())
                    .isGreaterThan(1);
        }
    }

    @Test
    void aModelRunsInBatchesOfSixteen() throws Exception {
        try (ImageClassifier classifier =
                ImageClassifier.load(TestModels.demoModel(TestModels.seedSidecar("input", 64)), 0)) {
            List<float[]> batch = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                batch.add(new float[classifier.imageTensorSize()]);
            }

            float[][] probabilities = classifier.classify(batch);

            assertThat(probabilities).hasNumberOfRows(16);
            assertThat(sum(probabilities[15])).isCloseTo(1.0, within(1e-5));
        }
    }

    @Test
    void sidecarNamingAnInputTheModelLacksIsAStartupErrorNamingBothFiles() {
        ModelFiles files = TestModels.demoModel(TestModels.seedSidecar("pixels", 64));

        assertThatThrownBy(() -> ImageClassifier.load(files, 0))
                .isInstanceOf(ModelMismatchException.class)
                .hasMessageContaining("'pixels'")
                .hasMessageContaining("[input]")
                .hasMessageContaining("model.onnx")
                .hasMessageContaining("model.json");
    }

    @Test
    void sidecarDeclaringTheWrongInputSizeIsAStartupError() {
        ModelFiles files = TestModels.demoModel(TestModels.seedSidecar("input", 256));

        assertThatThrownBy(() -> ImageClassifier.load(files, 0))
                .isInstanceOf(ModelMismatchException.class)
                .hasMessageContaining("256×256")
                .hasMessageContaining("64");
    }

    @Test
    void sidecarListingMoreLabelsThanTheModelOutputsIsAStartupError() {
        ModelSidecar seed = TestModels.seedSidecar("input", 64);
        List<String> twelve = new ArrayList<>(Food11.LABELS);
        twelve.add("Pizza");
        ModelSidecar wrong =
                new ModelSidecar(seed.id(), seed.version(), twelve, seed.input(), seed.output(), seed.preprocessing());

        assertThatThrownBy(() -> ImageClassifier.load(TestModels.demoModel(wrong), 0))
                .isInstanceOf(ModelMismatchException.class)
                .hasMessageContaining("12 labels")
                .hasMessageContaining("[-1, 11]");
    }

    private static double sum(float[] row) {
        double s = 0;
        for (float v : row) {
            s += v;
        }
        return s;
    }

    private static int argmax(float[] row) {
        int best = 0;
        for (int i = 1; i < row.length; i++) {
            if (row[i] > row[best]) {
                best = i;
            }
        }
        return best;
    }
}
