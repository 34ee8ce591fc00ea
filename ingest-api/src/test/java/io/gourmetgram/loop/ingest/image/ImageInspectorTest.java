package io.gourmetgram.loop.ingest.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gourmetgram.loop.events.testing.SharedFixtures;
import io.gourmetgram.loop.support.problem.ApiProblem;
import io.gourmetgram.loop.support.problem.ProblemType;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import org.junit.jupiter.api.Test;

class ImageInspectorTest {

    private static final long FORTY_MEGAPIXELS = 40_000_000;
    private static final ImageBounds BOUNDS = new ImageBounds(FORTY_MEGAPIXELS, 16, 20_000, 10);
    private final ImageInspector inspector = new ImageInspector(BOUNDS);

    @Test
    void readsTheSizeOfARealPhotoFromItsHeader() throws Exception {
        byte[] jpeg = SamplePhotos.bytes(SamplePhotos.smallSharedJpeg());
        BufferedImage decoded = ImageIO.read(new java.io.ByteArrayInputStream(jpeg));

        InspectedImage image = inspector.inspect(jpeg);

        assertThat(image.format()).isEqualTo(ImageFormat.JPEG);
        assertThat(image.width()).isEqualTo(decoded.getWidth());
        assertThat(image.height()).isEqualTo(decoded.getHeight());
    }

    @Test
    void readsEveryJpegSizeFromItsFrameHeaderAsADecoderWouldSeeIt() throws Exception {
        List<byte[]> jpegs = new ArrayList<>();
        SharedFixtures.food11Photos().forEach(photo -> jpegs.add(SamplePhotos.bytes(photo)));
        for (String odd : List.of("ordinary.jpg", "progressive.jpg", "cmyk.jpg", "grayscale.jpg", "exif-rotated.jpg")) {
            jpegs.add(BadInputCorpus.bytes(odd));
        }
        for (byte[] jpeg : jpegs) {
            ImageReader reader = ImageIO.getImageReadersByMIMEType("image/jpeg").next();
            reader.setInput(ImageIO.createImageInputStream(new ByteArrayInputStream(jpeg)));

            InspectedImage image = inspector.inspect(jpeg);

            assertThat(image.width()).isEqualTo(reader.getWidth(0));
            assertThat(image.height()).isEqualTo(reader.getHeight(0));
            reader.dispose();
        }
    }

    @Test
    void theFrameHeaderOfAnEmbeddedThumbnailDoesNotCount() throws Exception {
        ByteArrayOutputStream thumbnail = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(20, 30, BufferedImage.TYPE_INT_RGB), "jpg", thumbnail);
        byte[] photo = BadInputCorpus.bytes("ordinary.jpg"); // 64 pixels wide
        byte[] exif = "Exif\0\0".getBytes(StandardCharsets.US_ASCII);
        int length = 2 + exif.length + thumbnail.size();
        ByteArrayOutputStream withThumbnail = new ByteArrayOutputStream();
        withThumbnail.write(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE1});
        withThumbnail.write(new byte[] {(byte) (length >> 8), (byte) length});
        withThumbnail.write(exif);
        withThumbnail.write(thumbnail.toByteArray());
        withThumbnail.write(photo, 2, photo.length - 2);

        assertThat(inspector.inspect(withThumbnail.toByteArray()).width()).isEqualTo(64);
    }

    @Test
    void aJpegWhoseHeaderStopsBeforeItsFrameIsUnreadable() {
        byte[] photo = BadInputCorpus.bytes("ordinary.jpg");
        byte[] headerOnly = Arrays.copyOf(photo, 20); // SOI and part of APP0

        assertThatThrownBy(() -> inspector.inspect(headerOnly)).isInstanceOfSatisfying(ApiProblem.class, problem -> {
            assertThat(problem.problemType()).isEqualTo(ProblemType.UNREADABLE_IMAGE);
            assertThat(problem.getBody().getDetail()).contains("image/jpeg", "truncated or corrupt");
        });
    }

    @Test
    void readsPngAndWebpHeaders() {
        assertThat(inspector.inspect(SamplePhotos.png(640, 480)))
                .isEqualTo(new InspectedImage(ImageFormat.PNG, 640, 480));
        assertThat(inspector.inspect(SamplePhotos.webpLosslessHeader(300, 200)))
                .isEqualTo(new InspectedImage(ImageFormat.WEBP, 300, 200));
    }

    @Test
    void refusesAHeaderClaimingTooManyPixelsWithoutDecodingIt() {
        // 10000 x 10000 = 100 MP in a 33-byte file: decoding would need 300 MB; the header is enough to say no.
        assertThatThrownBy(() -> inspector.inspect(SamplePhotos.pngHeaderClaiming(10_000, 10_000)))
                .isInstanceOfSatisfying(ApiProblem.class, problem -> {
                    assertThat(problem.problemType()).isEqualTo(ProblemType.TOO_MANY_PIXELS);
                    assertThat(problem.getBody().getDetail()).contains("10000 x 10000", "100.0 megapixels", "40.0");
                    assertThat(problem.getBody().getProperties()).containsEntry("maxPixels", FORTY_MEGAPIXELS);
                });
    }

    @Test
    void acceptsExactlyTheLimit() {
        assertThat(new ImageInspector(new ImageBounds(640 * 480, 16, 20_000, 10))
                        .inspect(SamplePhotos.png(640, 480))
                        .pixels())
                .isEqualTo(640 * 480);
    }

    @Test
    void aTruncatedHeaderIsUnreadableNotAServerError() {
        byte[] truncated = Arrays.copyOf(SamplePhotos.pngHeaderClaiming(100, 100), 12);

        assertThatThrownBy(() -> inspector.inspect(truncated)).isInstanceOfSatisfying(ApiProblem.class, problem -> {
            assertThat(problem.problemType()).isEqualTo(ProblemType.UNREADABLE_IMAGE);
            assertThat(problem.getBody().getDetail()).contains("image/png", "truncated or corrupt");
        });
    }

    @Test
    void aValidSliverOfOnePixelByFortyMillionIsRefusedStatingTheLimits() {
        // Within the pixel limit, but resizing it overflowed an int in inference and stalled it (issue 9, point 1).
        assertThatThrownBy(() -> inspector.inspect(BadInputCorpus.bytes("sliver-1x40000000.png")))
                .isInstanceOfSatisfying(ApiProblem.class, problem -> {
                    assertThat(problem.getStatusCode().value()).isEqualTo(422);
                    assertThat(problem.getBody().getDetail()).contains("1 x 40000000", "aspect ratio");
                    assertThat(problem.problemType()).isEqualTo(ProblemType.UNSUPPORTED_DIMENSIONS);
                    assertThat(problem.getBody().getProperties())
                            .containsEntry("minSide", 16)
                            .containsEntry("maxSide", 20_000)
                            .containsEntry("maxAspectRatio", 10);
                });
    }

    @Test
    void sidesAndAspectRatioAreComparedWithoutOverflow() {
        assertThat(BOUNDS.sidesFit(20_000, 2_000)).isTrue();
        assertThat(BOUNDS.sidesFit(20_001, 2_001)).as("longer than max side").isFalse();
        assertThat(BOUNDS.sidesFit(2_001, 200)).as("just over 10:1").isFalse();
        assertThat(BOUNDS.sidesFit(15, 15)).as("under min side").isFalse();
        // As ints, 1 x 2^31-1 times a ratio of 10 would wrap around and pass.
        assertThat(new ImageBounds(Long.MAX_VALUE, 1, Integer.MAX_VALUE, 10).sidesFit(Integer.MAX_VALUE, 1))
                .isFalse();
    }

    @Test
    void aJpegCutOffBeforeItsEndMarkerIsRefusedAsTruncated() {
        assertThatThrownBy(() -> inspector.inspect(BadInputCorpus.bytes("truncated.jpg")))
                .isInstanceOfSatisfying(ApiProblem.class, problem -> {
                    assertThat(problem.problemType()).isEqualTo(ProblemType.TRUNCATED_IMAGE);
                    assertThat(problem.getBody().getDetail()).contains("truncated");
                });
        assertThat(inspector.inspect(BadInputCorpus.bytes("ordinary.jpg")).width())
                .isEqualTo(64);
        assertThat(inspector.inspect(BadInputCorpus.bytes("progressive.jpg")).width())
                .isEqualTo(64);
    }

    @Test
    void anAnimatedWebpIsRefusedAsUnsupported() {
        assertThatThrownBy(() -> inspector.inspect(BadInputCorpus.bytes("animated.webp")))
                .isInstanceOfSatisfying(ApiProblem.class, problem -> {
                    assertThat(problem.problemType()).isEqualTo(ProblemType.UNSUPPORTED_IMAGE_TYPE);
                    assertThat(problem.getBody().getDetail()).contains("animated");
                });
    }

    @Test
    void unknownBytesAreAnUnsupportedTypeNamingWhatIsAccepted() {
        assertThatThrownBy(() -> inspector.inspect("just some text".getBytes()))
                .isInstanceOfSatisfying(ApiProblem.class, problem -> {
                    assertThat(problem.problemType()).isEqualTo(ProblemType.UNSUPPORTED_IMAGE_TYPE);
                    assertThat(problem.getBody().getDetail()).contains("not a JPEG, PNG or WebP", "6A 75 73 74");
                });
    }
}
