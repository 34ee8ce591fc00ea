package io.gourmetgram.loop.inference.preprocessing;

/**
 * The size a JPEG declares in its frame header (SOF0–SOF15), found by walking the marker segments of the
 * bytes in memory. ImageIO's reader did the same through an image input stream backed by a temporary file
 * and parsed every Huffman table on the way: the largest cost of the size check in the service's profile.
 */
final class JpegFrame {

    private JpegFrame() {}

    /** The JPEG's format and size, or null when the bytes are no JPEG or no frame header precedes the scan. */
    static ImageDecoder.Header header(byte[] b) {
        if (b.length < 4 || (b[0] & 0xFF) != 0xFF || (b[1] & 0xFF) != 0xD8) {
            return null;
        }
        int pos = 2;
        while (pos + 4 <= b.length) {
            if ((b[pos] & 0xFF) != 0xFF) {
                return null; // not at a marker: let ImageIO decide what this is
            }
            int marker = b[pos + 1] & 0xFF;
            if (marker == 0xFF) {
                pos++; // fill byte before a marker
                continue;
            }
            if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
                pos += 2; // markers without a length
                continue;
            }
            if (marker == 0xDA || marker == 0xD9) {
                return null; // scan or end before any frame header
            }
            int length = u16(b, pos + 2);
            if (length < 2) {
                return null;
            }
            if (isFrameHeader(marker)) {
                if (length < 8 || pos + 9 > b.length) {
                    return null;
                }
                return new ImageDecoder.Header("JPEG", u16(b, pos + 7), u16(b, pos + 5));
            }
            pos += 2 + length;
        }
        return null;
    }

    /** SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC), which share the range. */
    private static boolean isFrameHeader(int marker) {
        return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    }

    private static int u16(byte[] b, int at) {
        return ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
    }
}
