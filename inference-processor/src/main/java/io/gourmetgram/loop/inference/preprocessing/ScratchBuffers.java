package io.gourmetgram.loop.inference.preprocessing;

/**
 * Per-thread arrays reused from photo to photo. A decoded phone photo is megabytes of pixels; with
 * G1 such arrays are "humongous" allocations that each start a GC cycle of their own (the profile of
 * the running service showed 72 collections in a 270-photo run). Decode threads are few and
 * long-lived, so keeping one of each per thread is cheap; arrays above {@link #KEEP_AT_MOST} bytes
 * are not kept, so one huge photo does not pin its memory for good.
 */
final class ScratchBuffers {

    static final int KEEP_AT_MOST = 32 << 20;

    private static final ThreadLocal<ScratchBuffers> MINE = ThreadLocal.withInitial(ScratchBuffers::new);

    private byte[] bytes = new byte[0];
    private final float[][] planes = {new float[0], new float[0], new float[0]};

    static ScratchBuffers mine() {
        return MINE.get();
    }

    /** At least {@code length} bytes; the contents are whatever the last user left. */
    byte[] bytes(int length) {
        if (bytes.length >= length) {
            return bytes;
        }
        byte[] fresh = new byte[length];
        if (length <= KEEP_AT_MOST) {
            bytes = fresh;
        }
        return fresh;
    }

    /** Three float planes of at least {@code length} each; the contents are whatever the last user left. */
    float[][] planes(int length) {
        if (planes[0].length >= length) {
            return planes;
        }
        float[][] fresh = {new float[length], new float[length], new float[length]};
        if ((long) length * Float.BYTES * 3 <= KEEP_AT_MOST) {
            System.arraycopy(fresh, 0, planes, 0, 3);
        }
        return fresh;
    }
}
