package io.gourmetgram.loop.inference.preprocessing;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The EXIF orientation of a JPEG (tag 0x0112, 1–8), and the turn that makes its pixels upright. A phone
 * stores a portrait photo sideways and tags it; users see it upright, so the model must too. (The seed's PIL
 * preprocessing ignored the tag; photos without one, or tagged 1, are unchanged.)
 */
public final class ExifOrientation {

    /** Pixels are stored as they are shown. */
    public static final int UPRIGHT = 1;

    private ExifOrientation() {}

    /** The orientation tag of a JPEG's EXIF segment; {@link #UPRIGHT} when there is none or it cannot be read. */
    public static int of(byte[] jpeg) {
        try {
            return read(ByteBuffer.wrap(jpeg));
        } catch (RuntimeException e) {
            return UPRIGHT; // a malformed EXIF segment must not make a decodable photo undecodable
        }
    }

    /** The image turned and/or mirrored as a viewer honouring {@code orientation} would show it. */
    public static BufferedImage upright(BufferedImage image, int orientation) {
        int w = image.getWidth();
        int h = image.getHeight();
        AffineTransform t = switch (orientation) {
            case 2 -> new AffineTransform(-1, 0, 0, 1, w, 0); // mirrored left-right
            case 3 -> new AffineTransform(-1, 0, 0, -1, w, h); // upside down
            case 4 -> new AffineTransform(1, 0, 0, -1, 0, h); // mirrored top-bottom
            case 5 -> new AffineTransform(0, 1, 1, 0, 0, 0); // transposed
            case 6 -> new AffineTransform(0, 1, -1, 0, h, 0); // turned 90° clockwise to show
            case 7 -> new AffineTransform(0, -1, -1, 0, h, w); // transversed
            case 8 -> new AffineTransform(0, -1, 1, 0, 0, w); // turned 90° counter-clockwise to show
            default -> null;
        };
        if (t == null) {
            return image;
        }
        boolean swapsSides = orientation >= 5;
        BufferedImage out = new BufferedImage(swapsSides ? h : w, swapsSides ? w : h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            // Quarter turns and mirrors move whole pixels; nearest neighbour keeps them exact.
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
            g.drawImage(image, t, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    private static int read(ByteBuffer in) {
        in.order(ByteOrder.BIG_ENDIAN);
        if (in.getShort(0) != (short) 0xFFD8) {
            return UPRIGHT;
        }
        int pos = 2;
        while (pos + 4 <= in.limit() && (in.get(pos) & 0xFF) == 0xFF) {
            int marker = in.get(pos + 1) & 0xFF;
            int length = in.getShort(pos + 2) & 0xFFFF;
            if (marker == 0xDA || marker == 0xD9) {
                return UPRIGHT; // image data starts: EXIF always comes before it
            }
            if (marker == 0xE1 && length >= 8 && in.getInt(pos + 4) == 0x45786966 /* "Exif" */) {
                return orientationIn(in.slice(pos + 10, length - 8));
            }
            pos += 2 + length;
        }
        return UPRIGHT;
    }

    private static int orientationIn(ByteBuffer tiff) {
        tiff.order(tiff.getShort(0) == 0x4949 /* "II" */ ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        int ifd = tiff.getInt(4);
        int entries = tiff.getShort(ifd) & 0xFFFF;
        for (int i = 0; i < entries; i++) {
            int entry = ifd + 2 + 12 * i;
            if ((tiff.getShort(entry) & 0xFFFF) == 0x0112) {
                int value = tiff.getShort(entry + 8) & 0xFFFF;
                return value >= 1 && value <= 8 ? value : UPRIGHT;
            }
        }
        return UPRIGHT;
    }
}
