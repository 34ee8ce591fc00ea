package io.gourmetgram.loop.ingest.upload;

import static org.assertj.core.api.Assertions.assertThat;

import io.gourmetgram.loop.events.testing.SharedFixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

class ImageFormatTest {

    @Test
    void recognisesFormatsByTheirMagicBytes() throws Exception {
        assertThat(ImageFormat.detect(Files.readAllBytes(SharedFixtures.food11Photos().getFirst()))).contains(ImageFormat.JPEG);
        assertThat(ImageFormat.detect(TestImages.pngHeader(10, 10))).contains(ImageFormat.PNG);
        assertThat(ImageFormat.detect("RIFF\0\0\0\0WEBPVP8 ".getBytes(StandardCharsets.US_ASCII))).contains(ImageFormat.WEBP);
    }

    @Test
    void aFileNamedLikeAnImageButNotOneIsRefused() {
        assertThat(ImageFormat.detect("<html>photo.jpg</html>".getBytes(StandardCharsets.UTF_8))).isEmpty();
        assertThat(ImageFormat.detect(new byte[] {(byte) 0xff, (byte) 0xd8})).isEmpty();
    }

    @Test
    void headerGivesThePixelSizeWithoutDecoding() throws Exception {
        assertThat(ImageHeader.read(TestImages.pngHeader(10_000, 8_000)))
                .hasValueSatisfying(d -> assertThat(d.pixels()).isEqualTo(80_000_000L));
        assertThat(ImageHeader.read(Files.readAllBytes(SharedFixtures.food11Photos().getFirst())))
                .hasValueSatisfying(d -> assertThat(d.width()).isPositive());
    }

    @Test
    void waitAcceptsSecondsAndMillisecondsAndIsCapped() {
        java.time.Duration cap = java.time.Duration.ofSeconds(30);
        assertThat(WaitParameter.parse("5s", cap)).hasSeconds(5);
        assertThat(WaitParameter.parse("1500ms", cap)).hasMillis(1500);
        assertThat(WaitParameter.parse("7", cap)).hasSeconds(7);
        assertThat(WaitParameter.parse("600s", cap)).isEqualTo(cap);
        assertThat(WaitParameter.parse(null, cap)).isZero();
    }
}
