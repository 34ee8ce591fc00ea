package io.gourmetgram.loop.ingest.upload;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Optional;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Reads an image's pixel size from its header without decoding the pixels, so a small file that
 * declares a gigapixel image (a decompression bomb) is refused before it costs memory.
 */
public final class ImageHeader {

    private ImageHeader() {
    }

    public record Dimensions(int width, int height) {
        public long pixels() {
            return (long) width * height;
        }
    }

    /** The declared size, or empty when no reader understands the header. */
    public static Optional<Dimensions> read(byte[] bytes) {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                return Optional.empty();
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                return Optional.of(new Dimensions(reader.getWidth(0), reader.getHeight(0)));
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
