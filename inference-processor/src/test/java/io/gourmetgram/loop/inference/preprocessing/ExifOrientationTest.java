package io.gourmetgram.loop.inference.preprocessing;

import static org.assertj.core.api.Assertions.assertThat;

import io.gourmetgram.loop.events.Food11;
import io.gourmetgram.loop.events.testing.SharedFixtures;
import io.gourmetgram.loop.inference.model.ModelSidecar;
import io.gourmetgram.loop.inference.model.ModelSidecar.Preprocessing;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.junit.jupiter.api.Test;

/** A phone stores a portrait photo sideways and tags it: the model sees it upright, as the user did. */
class ExifOrientationTest {

    /** Identity normalization, so tensor values are resized pixels in intensity levels. */
    private static final ModelSidecar PIXELS = new ModelSidecar(
            "exif",
            "1",
            Food11.LABELS,
            new ModelSidecar.Input("input", ModelSidecar.Layout.NCHW, 64, 64),
            new ModelSidecar.Output("logits", ModelSidecar.Output.Kind.LOGITS),
            new Preprocessing(
                    Preprocessing.Resize.STRETCH,
                    64,
                    64,
                    Preprocessing.ChannelOrder.RGB,
                    1.0,
                    List.of(0.0, 0.0, 0.0),
                    List.of(1.0, 1.0, 1.0)));

    @Test
    void aPhotoStoredSidewaysWithOrientationSixScoresAsTheUprightPhotoOnBothDecoders() throws Exception {
        BufferedImage upright = ImageIO.read(photo("7_239.jpg").toFile()); // 400 × 300: turning it shows
        byte[] uprightJpeg = jpeg(upright);
        byte[] sidewaysJpeg = jpeg(turnedCounterClockwise(upright));
        byte[] taggedJpeg = withOrientation(sidewaysJpeg, 6, ByteOrder.BIG_ENDIAN);
        ImagePreprocessor preprocessor = new ImagePreprocessor(PIXELS);

        for (PhotoTensors decoder :
                List.of(PhotoTensors.imageIo(preprocessor), OpenCvPhotoTensors.orImageIo(preprocessor, false))) {
            float[] shown = decoder.fromPhoto(uprightJpeg);
            assertThat(meanDifference(decoder.fromPhoto(taggedJpeg), shown))
                    .as(decoder.getClass().getSimpleName())
                    .isLessThan(1.0);
            // Without the tag the same pixels are a different picture to the model: the check above can fail.
            assertThat(meanDifference(decoder.fromPhoto(sidewaysJpeg), shown)).isGreaterThan(10.0);
        }
    }

    @Test
    void theTagIsReadInEitherByteOrderAndAbsentOrBrokenMeansUpright() throws Exception {
        byte[] plain = jpeg(new BufferedImage(8, 4, BufferedImage.TYPE_INT_RGB));

        assertThat(ExifOrientation.of(withOrientation(plain, 6, ByteOrder.BIG_ENDIAN)))
                .isEqualTo(6);
        assertThat(ExifOrientation.of(withOrientation(plain, 3, ByteOrder.LITTLE_ENDIAN)))
                .isEqualTo(3);
        assertThat(ExifOrientation.of(plain)).isEqualTo(ExifOrientation.UPRIGHT);
        byte[] broken = withOrientation(plain, 6, ByteOrder.BIG_ENDIAN);
        broken[2 + 4 + 6 + 4] =
                0x7f; // SOI, APP1 marker and length, "Exif\0\0", "MM" 42: the IFD offset, now far outside
        assertThat(ExifOrientation.of(broken)).isEqualTo(ExifOrientation.UPRIGHT);
    }

    @Test
    void everyOrientationPutsTheStoredTopLeftPixelWhereAViewerShowsIt() {
        BufferedImage stored = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
        stored.setRGB(0, 0, 0xff0000);
        // Where the stored top-left pixel is shown (EXIF 2.3, orientation table), as {x, y} in the shown image.
        int[][] shownAt = {null, {0, 0}, {2, 0}, {2, 1}, {0, 1}, {0, 0}, {1, 0}, {1, 2}, {0, 2}};
        for (int orientation = 1; orientation <= 8; orientation++) {
            BufferedImage shown = ExifOrientation.upright(stored, orientation);
            assertThat(shown.getRGB(shownAt[orientation][0], shownAt[orientation][1]) & 0xffffff)
                    .as("orientation %d", orientation)
                    .isEqualTo(0xff0000);
        }
    }

    private static Path photo(String name) {
        return SharedFixtures.food11Photos().stream()
                .filter(p -> p.getFileName().toString().equals(name))
                .findFirst()
                .orElseThrow();
    }

    /** Independent of the code under test: stored(x, y) = upright(W - 1 - y, x). */
    private static BufferedImage turnedCounterClockwise(BufferedImage upright) {
        int w = upright.getWidth();
        BufferedImage out = new BufferedImage(upright.getHeight(), w, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < out.getHeight(); y++) {
            for (int x = 0; x < out.getWidth(); x++) {
                out.setRGB(x, y, upright.getRGB(w - 1 - y, x));
            }
        }
        return out;
    }

    private static byte[] jpeg(BufferedImage image) throws Exception {
        BufferedImage rgb = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        rgb.getGraphics().drawImage(image, 0, 0, null);
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
            writer.setOutput(stream);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(1.0f);
            writer.write(null, new IIOImage(rgb, null, null), param);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    /** The JPEG with an APP1 EXIF segment holding only the orientation tag, right after SOI. */
    private static byte[] withOrientation(byte[] jpeg, int orientation, ByteOrder order) {
        ByteBuffer tiff = ByteBuffer.allocate(8 + 2 + 12 + 4).order(order);
        tiff.put(order == ByteOrder.BIG_ENDIAN ? new byte[] {'M', 'M'} : new byte[] {'I', 'I'})
                .putShort((short) 42)
                .putInt(8) // header, first IFD at 8
                .putShort((short) 1) // one entry
                .putShort((short) 0x0112)
                .putShort((short) 3)
                .putInt(1)
                .putShort((short) orientation)
                .putShort((short) 0)
                .putInt(0); // no next IFD
        int length = 2 + 6 + tiff.capacity();
        ByteBuffer out = ByteBuffer.allocate(jpeg.length + 2 + length).order(ByteOrder.BIG_ENDIAN);
        out.put(jpeg, 0, 2)
                .putShort((short) 0xFFE1)
                .putShort((short) length)
                .put(new byte[] {'E', 'x', 'i', 'f', 0, 0})
                .put(tiff.array())
                .put(jpeg, 2, jpeg.length - 2);
        return out.array();
    }

    private static double meanDifference(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += Math.abs(a[i] - b[i]);
        }
        return sum / a.length;
    }
}
