package io.gourmetgram.loop.ingest.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ImageFormatTest {

    @Test
    void recognisesJpegPngAndWebpByTheirFirstBytes() {
        assertThat(ImageFormat.sniff(SamplePhotos.bytes(SamplePhotos.smallSharedJpeg())))
                .contains(ImageFormat.JPEG);
        assertThat(ImageFormat.sniff(SamplePhotos.png(4, 3))).contains(ImageFormat.PNG);
        assertThat(ImageFormat.sniff(SamplePhotos.webpLosslessHeader(4, 3))).contains(ImageFormat.WEBP);
    }

    @Test
    void refusesAnythingElseWhateverItClaimsToBe() {
        assertThat(ImageFormat.sniff("GIF89a...".getBytes(StandardCharsets.US_ASCII)))
                .isEmpty();
        assertThat(ImageFormat.sniff("<html>photo.jpg</html>".getBytes(StandardCharsets.US_ASCII)))
                .isEmpty();
        assertThat(ImageFormat.sniff("RIFF\0\0\0\0WAVEfmt ".getBytes(StandardCharsets.US_ASCII)))
                .as("a RIFF that is not WebP")
                .isEmpty();
        assertThat(ImageFormat.sniff(new byte[] {(byte) 0xFF, (byte) 0xD8}))
                .as("too short to be a JPEG")
                .isEmpty();
        assertThat(ImageFormat.sniff(new byte[0])).isEmpty();
    }

    @Test
    void givesTheMediaTypeAndExtensionUsedForTheObject() {
        assertThat(ImageFormat.JPEG.mediaType()).isEqualTo("image/jpeg");
        assertThat(ImageFormat.JPEG.extension()).isEqualTo("jpg");
        assertThat(ImageFormat.WEBP.mediaType()).isEqualTo("image/webp");
    }
}
