package io.gourmetgram.loop.inference.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/**
 * Hostile but well-formed-looking PNGs, written byte by byte so no image library's own limits get
 * in the way of making them.
 */
public final class OddImages {

    private OddImages() {}

    /** An RGB PNG of the given size, every pixel black; compresses to a few hundred KB even at 40 million rows. */
    public static byte[] blackPng(int width, int height) {
        ByteArrayOutputStream idat = new ByteArrayOutputStream();
        try (DeflaterOutputStream z = new DeflaterOutputStream(idat, new Deflater(Deflater.BEST_SPEED), 1 << 16)) {
            byte[] row = new byte[1 + 3 * width]; // filter byte 0, then black pixels
            byte[] rows = new byte[row.length * Math.max(1, 65536 / row.length)];
            int rowsPerChunk = rows.length / row.length;
            for (int y = 0; y < height; y += rowsPerChunk) {
                z.write(rows, 0, row.length * Math.min(rowsPerChunk, height - y));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return png(width, height, idat.toByteArray());
    }

    /** A PNG whose header is valid (64×64 RGB) and whose image data is not a zlib stream. */
    public static byte[] pngWithCorruptData() {
        byte[] garbage = "these bytes are not deflated pixels, whatever the header says"
                .repeat(8)
                .getBytes(StandardCharsets.US_ASCII);
        return png(64, 64, garbage);
    }

    private static byte[] png(int width, int height, byte[] idat) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DataOutputStream data = new DataOutputStream(out)) {
            data.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
            ByteArrayOutputStream header = new ByteArrayOutputStream();
            DataOutputStream h = new DataOutputStream(header);
            h.writeInt(width);
            h.writeInt(height);
            h.write(new byte[] {8, 2, 0, 0, 0}); // 8-bit, truecolour, deflate, adaptive filtering, no interlace
            chunk(data, "IHDR", header.toByteArray());
            chunk(data, "IDAT", idat);
            chunk(data, "IEND", new byte[0]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void chunk(DataOutputStream out, String type, byte[] body) throws IOException {
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        out.writeInt(body.length);
        out.write(typeBytes);
        out.write(body);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(body);
        out.writeInt((int) crc.getValue());
    }
}
