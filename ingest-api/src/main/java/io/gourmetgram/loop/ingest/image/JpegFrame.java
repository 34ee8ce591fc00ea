package io.gourmetgram.loop.ingest.image;

import java.io.IOException;

/**
 * A JPEG's pixel size from its frame header (the SOFn segment), found by walking the header segments by
 * their lengths. No decoder and no ImageIO reader is involved: that was most of the cost of checking an
 * upload. Segments are skipped whole, so an EXIF thumbnail's own frame header (inside APP1) never counts.
 *
 * @param width  samples per line
 * @param height lines; 0 would mean "defined later by a DNL marker", which no camera writes: refused
 */
record JpegFrame(int width, int height) {

    private static final int MARKER = 0xFF;
    private static final int START_OF_SCAN = 0xDA;
    private static final int END_OF_IMAGE = 0xD9;
    /** Segment length (2) + sample precision (1) + height (2) + width (2). */
    private static final int FRAME_FIELDS = 7;

    /**
     * @throws IOException when the header ends, or stops being a sequence of segments, before a frame
     *     header: the file is truncated or corrupt
     */
    static JpegFrame read(byte[] bytes) throws IOException {
        int i = 2; // after SOI
        while (i + 3 < bytes.length) {
            if ((bytes[i] & 0xFF) != MARKER) {
                throw new IOException("no segment marker at offset " + i);
            }
            int marker = bytes[i + 1] & 0xFF;
            if (marker == MARKER) {
                i++; // fill byte
                continue;
            }
            if (isStandalone(marker)) {
                i += 2;
                continue;
            }
            if (marker == START_OF_SCAN || marker == END_OF_IMAGE) {
                throw new IOException("no frame header before the image data");
            }
            int length = ((bytes[i + 2] & 0xFF) << 8) | (bytes[i + 3] & 0xFF);
            if (length < 2) {
                throw new IOException("a segment of length " + length + " at offset " + i);
            }
            if (isStartOfFrame(marker)) {
                if (i + 2 + FRAME_FIELDS > bytes.length || length < FRAME_FIELDS) {
                    break;
                }
                int height = ((bytes[i + 5] & 0xFF) << 8) | (bytes[i + 6] & 0xFF);
                int width = ((bytes[i + 7] & 0xFF) << 8) | (bytes[i + 8] & 0xFF);
                return new JpegFrame(width, height);
            }
            i += 2 + length;
        }
        throw new IOException("the header ends before its frame header");
    }

    /** SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC), which share the range. */
    private static boolean isStartOfFrame(int marker) {
        return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    }

    /** TEM and RST0..RST7 carry no length. */
    private static boolean isStandalone(int marker) {
        return marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7);
    }
}
