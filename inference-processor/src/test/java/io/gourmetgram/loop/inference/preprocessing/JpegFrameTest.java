package io.gourmetgram.loop.inference.preprocessing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gourmetgram.loop.events.testing.SharedFixtures;
import io.gourmetgram.loop.inference.testing.OddImages;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.junit.jupiter.api.Test;

/** The size check reads a JPEG's frame header from the bytes; it must agree with a full JPEG reader. */
class JpegFrameTest {

    @Test
    void everySharedPhotoHasTheSizeImageIoReads() throws Exception {
        for (Path photo : SharedFixtures.food11Photos()) {
            byte[] bytes = Files.readAllBytes(photo);
            int[] expected = imageIoSize(bytes);
            ImageDecoder.Header header = JpegFrame.header(bytes);
            assertThat(header).as(photo.toString()).isNotNull();
            assertThat(new int[] {header.width(), header.height()})
                    .as(photo.toString())
                    .containsExactly(expected);
            assertThat(header.isJpeg()).isTrue();
        }
    }

    @Test
    void aProgressiveJpegHasItsSizeRead() throws Exception {
        byte[] progressive = jpeg(new BufferedImage(321, 123, BufferedImage.TYPE_INT_RGB), true);

        ImageDecoder.Header header = JpegFrame.header(progressive);

        assertThat(header.width()).isEqualTo(321);
        assertThat(header.height()).isEqualTo(123);
    }

    @Test
    void aJpegDeclaringMoreThanTheLimitIsRefusedBeforeDecoding() throws Exception {
        byte[] small = jpeg(new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB), false);
        byte[] huge = withDeclaredSize(small, 10_000, 10_000); // 100 megapixels in 700 bytes

        assertThatThrownBy(() -> ImageDecoder.header(huge))
                .isInstanceOf(UndecodableImageException.class)
                .hasMessageContaining("10000×10000");
    }

    @Test
    void bytesWithoutAFrameHeaderAreLeftToImageIo() throws Exception {
        byte[] jpeg = jpeg(new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB), false);

        assertThat(JpegFrame.header(OddImages.blackPng(4, 4))).isNull();
        assertThat(JpegFrame.header(Arrays.copyOf(jpeg, 20))).isNull();
        assertThatThrownBy(() -> ImageDecoder.header(Arrays.copyOf(jpeg, 20)))
                .isInstanceOf(UndecodableImageException.class);
    }

    private static byte[] withDeclaredSize(byte[] jpeg, int width, int height) {
        byte[] patched = jpeg.clone();
        for (int i = 2; i + 9 < patched.length; i++) {
            if ((patched[i] & 0xFF) == 0xFF && (patched[i + 1] & 0xFF) == 0xC0) {
                patched[i + 5] = (byte) (height >> 8);
                patched[i + 6] = (byte) height;
                patched[i + 7] = (byte) (width >> 8);
                patched[i + 8] = (byte) width;
                return patched;
            }
        }
        throw new IllegalStateException("no baseline frame header");
    }

    private static int[] imageIoSize(byte[] bytes) throws Exception {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            ImageReader reader = ImageIO.getImageReaders(in).next();
            try {
                reader.setInput(in);
                return new int[] {reader.getWidth(0), reader.getHeight(0)};
            } finally {
                reader.dispose();
            }
        }
    }

    private static byte[] jpeg(BufferedImage image, boolean progressive) throws Exception {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
            writer.setOutput(stream);
            ImageWriteParam param = writer.getDefaultWriteParam();
            if (progressive) {
                param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
            }
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }
}
