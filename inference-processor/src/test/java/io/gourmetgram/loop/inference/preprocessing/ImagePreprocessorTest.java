package io.gourmetgram.loop.inference.preprocessing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.gourmetgram.loop.events.Food11;
import io.gourmetgram.loop.inference.model.ModelSidecar;
import io.gourmetgram.loop.inference.model.ModelSidecar.Preprocessing;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImagePreprocessorTest {

    private static final List<Double> MEAN = List.of(0.485, 0.456, 0.406);
    private static final List<Double> STD = List.of(0.229, 0.224, 0.225);

    @Test
    void aUniformImageBecomesItsNormalizedColourEverywhereInNchwOrder() {
        BufferedImage orange = filled(300, 200, new Color(255, 128, 0));
        float[] tensor = new ImagePreprocessor(sidecar(
                        Preprocessing.Resize.STRETCH, 8, 8, Preprocessing.ChannelOrder.RGB, ModelSidecar.Layout.NCHW))
                .toTensor(orange);

        assertThat(tensor).hasSize(3 * 8 * 8);
        float red = (float) ((255 / 255.0 - 0.485) / 0.229);
        float green = (float) ((128 / 255.0 - 0.456) / 0.224);
        float blue = (float) ((0 - 0.406) / 0.225);
        assertThat(tensor[0]).isCloseTo(red, within(1e-4f));
        assertThat(tensor[63]).isCloseTo(red, within(1e-4f));
        assertThat(tensor[64]).isCloseTo(green, within(1e-4f));
        assertThat(tensor[128]).isCloseTo(blue, within(1e-4f));
    }

    @Test
    void decodedJpegRastersAndPackedRgbImagesGiveTheSameTensor() {
        BufferedImage packed = filled(50, 40, new Color(12, 200, 99));
        BufferedImage bgrBytes = new BufferedImage(50, 40, BufferedImage.TYPE_3BYTE_BGR); // what JPEG decoding yields
        bgrBytes.getGraphics().drawImage(packed, 0, 0, null);
        ImagePreprocessor preprocessor = new ImagePreprocessor(
                sidecar(Preprocessing.Resize.STRETCH, 8, 8, Preprocessing.ChannelOrder.RGB, ModelSidecar.Layout.NCHW));

        assertThat(preprocessor.toTensor(bgrBytes)).containsExactly(preprocessor.toTensor(packed), within(1e-5f));
    }

    @Test
    void nhwcInterleavesChannelsAndBgrSwapsThem() {
        BufferedImage orange = filled(16, 16, new Color(255, 128, 0));
        float[] tensor = new ImagePreprocessor(sidecar(
                        Preprocessing.Resize.STRETCH, 4, 4, Preprocessing.ChannelOrder.BGR, ModelSidecar.Layout.NHWC))
                .toTensor(orange);

        // First pixel: B, G, R (normalized with the mean/std of each position in the declared order).
        assertThat(tensor[0]).isCloseTo((float) ((0 - 0.485) / 0.229), within(1e-4f));
        assertThat(tensor[2]).isCloseTo((float) ((1.0 - 0.406) / 0.225), within(1e-4f));
    }

    @Test
    void shorterSideResizeKeepsAspectAndCentreCropKeepsTheMiddle() {
        // Left third red, middle third green, right third blue; 300 × 100.
        BufferedImage stripes = new BufferedImage(300, 100, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = stripes.createGraphics();
        g.setColor(Color.RED);
        g.fillRect(0, 0, 100, 100);
        g.setColor(Color.GREEN);
        g.fillRect(100, 0, 100, 100);
        g.setColor(Color.BLUE);
        g.fillRect(200, 0, 100, 100);
        g.dispose();

        // Resize shorter side to 10 → 30 × 10, crop 10 × 10 from the middle: all green.
        ModelSidecar sidecar = sidecar(
                Preprocessing.Resize.SHORTER_SIDE, 10, 10, Preprocessing.ChannelOrder.RGB, ModelSidecar.Layout.NCHW);
        float[] tensor = new ImagePreprocessor(sidecar).toTensor(stripes);

        float green = (float) ((1.0 - 0.456) / 0.224);
        float noRed = (float) ((0 - 0.485) / 0.229);
        assertThat(tensor[100 + 5 * 10 + 5]).isCloseTo(green, within(1e-3f));
        assertThat(tensor[5 * 10 + 5]).isCloseTo(noRed, within(1e-3f));
    }

    @Test
    void downscalingAveragesFinePatternsInsteadOfAliasing() {
        // A 1-pixel black/white checkerboard shrunk 16× must come out mid-grey, as PIL's antialiased resize gives.
        BufferedImage checker = new BufferedImage(256, 256, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 256; y++) {
            for (int x = 0; x < 256; x++) {
                checker.setRGB(x, y, (x + y) % 2 == 0 ? 0xffffff : 0x000000);
            }
        }
        ModelSidecar sidecar = new ModelSidecar(
                "t",
                "1",
                Food11.LABELS,
                new ModelSidecar.Input("input", ModelSidecar.Layout.NCHW, 16, 16),
                new ModelSidecar.Output("logits", ModelSidecar.Output.Kind.LOGITS),
                new Preprocessing(
                        Preprocessing.Resize.STRETCH,
                        16,
                        16,
                        Preprocessing.ChannelOrder.RGB,
                        1.0,
                        List.of(0.0, 0.0, 0.0),
                        List.of(1.0, 1.0, 1.0)));

        float[] tensor = new ImagePreprocessor(sidecar).toTensor(checker);

        for (int i = 0; i < 16 * 16; i++) {
            assertThat(tensor[i]).isCloseTo(127.5f, within(8f));
        }
    }

    private static ModelSidecar sidecar(
            Preprocessing.Resize resize,
            int resizeSize,
            int crop,
            Preprocessing.ChannelOrder order,
            ModelSidecar.Layout layout) {
        return new ModelSidecar(
                "t",
                "1",
                Food11.LABELS,
                new ModelSidecar.Input("input", layout, crop, crop),
                new ModelSidecar.Output("logits", ModelSidecar.Output.Kind.LOGITS),
                new Preprocessing(resize, resizeSize, crop, order, 1 / 255.0, MEAN, STD));
    }

    private static BufferedImage filled(int w, int h, Color color) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(color);
        g.fillRect(0, 0, w, h);
        g.dispose();
        return image;
    }
}
