package io.gourmetgram.loop.inference.preprocessing;

import static org.assertj.core.api.Assertions.assertThat;

import io.gourmetgram.loop.events.Food11;
import io.gourmetgram.loop.events.testing.SharedFixtures;
import io.gourmetgram.loop.inference.model.ModelSidecar;
import io.gourmetgram.loop.inference.model.ModelSidecar.Preprocessing;
import java.awt.image.BufferedImage;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * Tensors against the seed's: PIL's {@code Resize((224, 224))} of every shared photo, stored as
 * lossless PNGs by {@code model-tools/pil_reference.py}. Compared in intensity levels (0–255, before
 * normalization), per photo, as mean absolute difference.
 */
class PilParityTest {

    /** Identity normalization, so tensor values are the resized pixels themselves. */
    private static final Preprocessing PIXELS = new Preprocessing(
            Preprocessing.Resize.STRETCH,
            224,
            224,
            Preprocessing.ChannelOrder.RGB,
            1.0,
            List.of(0.0, 0.0, 0.0),
            List.of(1.0, 1.0, 1.0));

    @Test
    void imageIoFallbackMatchesPilWithinOneIntensityLevelOnAverageAndOneAndAHalfOnEveryPhoto() throws Exception {
        // ImageIO applies an embedded colour profile PIL ignores: 1_260.jpg differs by 1.33 levels, the others by <
        // 0.3.
        List<Double> differences = differencesFromPil(PhotoTensors.imageIo(new ImagePreprocessor(sidecar(PIXELS))));
        assertThat(differences.stream()
                        .mapToDouble(Double::doubleValue)
                        .average()
                        .orElseThrow())
                .isLessThanOrEqualTo(1.0);
        assertThat(differences).allSatisfy(d -> assertThat(d).isLessThanOrEqualTo(1.5));
    }

    @Test
    void openCvFullSizeDecodingMatchesPilWithinOneIntensityLevelOnEveryPhoto() throws Exception {
        assertEveryPhotoWithinOneLevel(OpenCvPhotoTensors.orImageIo(new ImagePreprocessor(sidecar(PIXELS)), false));
    }

    @Test
    void reducedScaleJpegDecodingStaysWithinOneIntensityLevelOfPilOnEveryPhoto() throws Exception {
        ImagePreprocessor preprocessor = new ImagePreprocessor(sidecar(PIXELS.withJpegReducedDecoding(true)));
        PhotoTensors reduced = OpenCvPhotoTensors.orImageIo(preprocessor, true);
        assertThat(reduced).isInstanceOf(OpenCvPhotoTensors.class);
        // The shared photos include a 3600×4614 and a 3910×2596 one: 1/8 and 1/4 scale are exercised.
        assertThat(((OpenCvPhotoTensors) reduced).reduction(3600, 4614)).isEqualTo(8);
        assertThat(((OpenCvPhotoTensors) reduced).reduction(3910, 2596)).isEqualTo(4);
        assertEveryPhotoWithinOneLevel(reduced);
    }

    private static void assertEveryPhotoWithinOneLevel(PhotoTensors tensors) throws Exception {
        List<Double> differences = differencesFromPil(tensors);
        List<Path> photos = SharedFixtures.food11Photos();
        for (int i = 0; i < photos.size(); i++) {
            assertThat(differences.get(i))
                    .as("mean absolute difference from PIL on %s", photos.get(i).getFileName())
                    .isLessThanOrEqualTo(1.0);
        }
    }

    /** Per photo, the mean absolute difference from PIL's pixels, in intensity levels. */
    private static List<Double> differencesFromPil(PhotoTensors tensors) throws Exception {
        List<Double> differences = new java.util.ArrayList<>();
        for (Path photo : SharedFixtures.food11Photos()) {
            float[] ours = tensors.fromPhoto(Files.readAllBytes(photo));
            BufferedImage pil = reference(photo);
            double sum = 0;
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < 224; y++) {
                    for (int x = 0; x < 224; x++) {
                        int level = (pil.getRGB(x, y) >> (16 - 8 * c)) & 0xff;
                        sum += Math.abs(ours[(c * 224 + y) * 224 + x] - level);
                    }
                }
            }
            differences.add(sum / (3 * 224 * 224));
        }
        return differences;
    }

    private static BufferedImage reference(Path photo) throws Exception {
        String name =
                "/pil-reference/food11-224/" + photo.getFileName().toString().replace(".jpg", ".png");
        try (InputStream in = PilParityTest.class.getResourceAsStream(name)) {
            assertThat(in).as("PIL reference %s", name).isNotNull();
            return ImageIO.read(in);
        }
    }

    private static ModelSidecar sidecar(Preprocessing preprocessing) {
        return new ModelSidecar(
                "parity",
                "1",
                Food11.LABELS,
                new ModelSidecar.Input("input", ModelSidecar.Layout.NCHW, 224, 224),
                new ModelSidecar.Output("logits", ModelSidecar.Output.Kind.LOGITS),
                preprocessing);
    }
}
