package io.gourmetgram.loop.inference.preprocessing;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import javax.imageio.ImageIO;

/** Decodes JPEG, PNG and WebP (TwelveMonkeys plug-ins on the classpath) into pixels. */
public final class ImageDecoder {

    private ImageDecoder() {
    }

    /** @throws UndecodableImageException when the bytes are not an image we can read */
    public static BufferedImage decode(byte[] bytes) {
        try {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes));
            if (image == null) {
                throw new UndecodableImageException("No image decoder recognises these " + bytes.length + " bytes");
            }
            return image;
        } catch (IOException | RuntimeException e) {
            if (e instanceof UndecodableImageException u) {
                throw u;
            }
            throw new UndecodableImageException("Image cannot be decoded: " + e.getMessage());
        }
    }
}
