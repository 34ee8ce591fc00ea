package io.gourmetgram.loop.localstack;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import javax.imageio.ImageIO;

/** A large JPEG made on the spot (smooth colours, so a 40 MP photo stays a few megabytes). */
final class LargePhoto {

    private LargePhoto() {}

    static byte[] jpeg(int width, int height) throws IOException {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        byte[] pixels = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int i = (y * width + x) * 3;
                pixels[i] = (byte) (x * 255 / width);
                pixels[i + 1] = (byte) (y * 255 / height);
                pixels[i + 2] = (byte) ((x / 64 + y / 64) % 2 * 200);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!ImageIO.write(image, "jpeg", out)) {
            throw new IOException("No JPEG writer");
        }
        return out.toByteArray();
    }
}
