package io.gourmetgram.loop.ingest.image;

import io.gourmetgram.loop.events.testing.SharedFixtures;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;

/** Photos for tests: a real shared one, and hand-made headers that claim whatever size a test needs. */
public final class SamplePhotos {

    private SamplePhotos() {}

    /** The smallest of the shared Food-11 photos (a real JPEG). */
    public static Path smallSharedJpeg() {
        return SharedFixtures.food11Photos().stream()
                .min(java.util.Comparator.comparingLong(SamplePhotos::size))
                .orElseThrow();
    }

    public static byte[] bytes(Path photo) {
        try {
            return Files.readAllBytes(photo);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A real, decodable PNG. */
    public static byte[] png(int width, int height) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB), "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A PNG signature and a valid IHDR chunk claiming {@code width x height}, and no pixel data: what a
     * decompression bomb looks like to a header reader.
     */
    public static byte[] pngHeaderClaiming(int width, int height) {
        ByteBuffer ihdr = ByteBuffer.allocate(17)
                .put("IHDR".getBytes(StandardCharsets.US_ASCII))
                .putInt(width)
                .putInt(height)
                .put((byte) 8)
                .put((byte) 2)
                .put((byte) 0)
                .put((byte) 0)
                .put((byte) 0);
        CRC32 crc = new CRC32();
        crc.update(ihdr.array());
        return ByteBuffer.allocate(8 + 4 + 17 + 4)
                .put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'})
                .putInt(13)
                .put(ihdr.array())
                .putInt((int) crc.getValue())
                .array();
    }

    /** A lossless WebP (VP8L) header claiming {@code width x height}, followed by filler bytes. */
    public static byte[] webpLosslessHeader(int width, int height) {
        ByteBuffer vp8l = ByteBuffer.allocate(5 + 16)
                .order(ByteOrder.LITTLE_ENDIAN)
                .put((byte) 0x2F)
                .putInt((width - 1) | (height - 1) << 14);
        byte[] chunk = vp8l.array();
        return ByteBuffer.allocate(12 + 8 + chunk.length)
                .order(ByteOrder.LITTLE_ENDIAN)
                .put("RIFF".getBytes(StandardCharsets.US_ASCII))
                .putInt(4 + 8 + chunk.length)
                .put("WEBP".getBytes(StandardCharsets.US_ASCII))
                .put("VP8L".getBytes(StandardCharsets.US_ASCII))
                .putInt(chunk.length)
                .put(chunk)
                .array();
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
