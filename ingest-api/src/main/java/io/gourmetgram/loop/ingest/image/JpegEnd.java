package io.gourmetgram.loop.ingest.image;

/**
 * Whether a JPEG's compressed data is followed by its end-of-image marker (FF D9), i.e. whether the
 * file is whole. The search starts at the first start-of-scan, so the end marker of an embedded EXIF
 * thumbnail does not count; data after the marker (motion photos append a video) is allowed.
 */
final class JpegEnd {

    private static final int MARKER = 0xFF;
    private static final int START_OF_SCAN = 0xDA;
    private static final int END_OF_IMAGE = 0xD9;

    private JpegEnd() {}

    static boolean isPresent(byte[] bytes) {
        int scan = firstScan(bytes);
        if (scan < 0) {
            return false;
        }
        int last = bytes.length - 2;
        if (last >= scan && (bytes[last] & 0xFF) == MARKER && (bytes[last + 1] & 0xFF) == END_OF_IMAGE) {
            return true; // the usual case, answered without reading the image data
        }
        // Inside entropy-coded data a 0xFF byte is always followed by 0x00 or a restart marker, never by D9.
        for (int i = scan; i + 1 < bytes.length; i++) {
            if ((bytes[i] & 0xFF) == MARKER && (bytes[i + 1] & 0xFF) == END_OF_IMAGE) {
                return true;
            }
        }
        return false;
    }

    /** Offset of the first start-of-scan segment, walking the header segments by their lengths; -1 if cut short. */
    private static int firstScan(byte[] bytes) {
        int i = 2; // after SOI
        while (i + 3 < bytes.length) {
            if ((bytes[i] & 0xFF) != MARKER) {
                return -1;
            }
            int marker = bytes[i + 1] & 0xFF;
            if (marker == MARKER) {
                i++; // fill byte
                continue;
            }
            if (marker == START_OF_SCAN) {
                return i;
            }
            int length = ((bytes[i + 2] & 0xFF) << 8) | (bytes[i + 3] & 0xFF);
            i += 2 + length;
        }
        return -1;
    }
}
