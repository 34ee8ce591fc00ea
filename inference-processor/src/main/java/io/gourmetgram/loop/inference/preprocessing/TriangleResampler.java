package io.gourmetgram.loop.inference.preprocessing;

import java.awt.image.BufferedImage;

/**
 * Separable resampling with a triangle (bilinear) kernel whose support widens with the downscale
 * factor — PIL's {@code Image.resize(..., BILINEAR)} algorithm. Without the widening, a plain
 * bilinear downscale of a 12-megapixel photo to 224 px samples 4 of every ~250 pixels and aliases.
 */
final class TriangleResampler {

    private TriangleResampler() {}

    /** The pixels to resize, one row at a time as R, G and B floats (0–255). */
    interface Rows {
        int width();

        int height();

        void read(int y, float[] r, float[] g, float[] b);
    }

    /** Rows of a decoded image; 8-bit sRGB rasters are read directly (getRGB converts per pixel, 10× slower). */
    static Rows of(BufferedImage image) {
        int w = image.getWidth();
        boolean plainRgb = image.getRaster().getNumBands() == 3
                && image.getColorModel().getColorSpace().isCS_sRGB()
                && image.getColorModel() instanceof java.awt.image.ComponentColorModel;
        int[] pixels = new int[w * (plainRgb ? 3 : 1)];
        return new Rows() {
            @Override
            public int width() {
                return w;
            }

            @Override
            public int height() {
                return image.getHeight();
            }

            @Override
            public void read(int y, float[] r, float[] g, float[] b) {
                if (plainRgb) {
                    image.getRaster().getPixels(0, y, w, 1, pixels);
                    for (int x = 0, i = 0; x < w; x++, i += 3) {
                        r[x] = pixels[i];
                        g[x] = pixels[i + 1];
                        b[x] = pixels[i + 2];
                    }
                } else {
                    image.getRGB(0, y, w, 1, pixels, 0, w);
                    for (int x = 0; x < w; x++) {
                        int p = pixels[x];
                        r[x] = (p >> 16) & 0xff;
                        g[x] = (p >> 8) & 0xff;
                        b[x] = p & 0xff;
                    }
                }
            }
        };
    }

    static float[][] resize(BufferedImage image, int outW, int outH) {
        return resize(of(image), outW, outH);
    }

    /**
     * Resizes to outW × outH and returns the R, G and B planes (0–255 floats). The horizontal pass
     * reads the image one row at a time, so a 12-megapixel photo never exists as floats in memory.
     */
    static float[][] resize(Rows image, int outW, int outH) {
        int w = image.width();
        int h = image.height();
        Kernel horizontal = new Kernel(w, outW);
        float[][] narrow = new float[3][Math.toIntExact((long) outW * h)];
        float[][] row = new float[3][w];
        for (int y = 0; y < h; y++) {
            image.read(y, row[0], row[1], row[2]);
            for (int c = 0; c < 3; c++) {
                horizontal.apply(row[c], 0, 1, narrow[c], y * outW, 1);
            }
        }
        return vertical(narrow, outW, h, outH);
    }

    /** Interleaved 8-bit BGR rows kept outside the Java heap (OpenCV's decoded image), copied in a few rows at a time. */
    interface BgrRows {
        /** Fills {@code into} with the bytes from the start of row {@code firstRow} on (fewer at the image's end). */
        void read(int firstRow, byte[] into);
    }

    /** Rows are copied in chunks of about this many bytes: small enough to be no humongous allocation for G1. */
    static final int CHUNK_BYTES = 512 << 10;

    /**
     * The same resize for interleaved 8-bit BGR rows (OpenCV's output), reading the bytes once with all
     * three channels per tap: about twice as fast as going through {@link Rows}. The rows arrive a chunk at a
     * time, so a 16-megapixel photo's 48 MB of pixels is never copied onto the heap as a whole.
     */
    static float[][] resizeBgr(BgrRows bgr, int w, int h, int outW, int outH) {
        Kernel horizontal = new Kernel(w, outW);
        ScratchBuffers scratch = ScratchBuffers.mine();
        float[][] narrow = scratch.planes(Math.toIntExact((long) outW * h)); // every used cell is written below
        float[] r = narrow[0];
        float[] g = narrow[1];
        float[] b = narrow[2];
        int rowBytes = Math.multiplyExact(w, 3);
        byte[] chunk = scratch.bytes(Math.max(rowBytes, CHUNK_BYTES / rowBytes * rowBytes));
        int rowsPerChunk = chunk.length / rowBytes;
        for (int first = 0; first < h; first += rowsPerChunk) {
            bgr.read(first, chunk);
            int last = Math.min(h, first + rowsPerChunk);
            for (int y = first; y < last; y++) {
                int rowBase = (y - first) * rowBytes;
                int outBase = y * outW;
                for (int o = 0; o < outW; o++) {
                    float[] weights = horizontal.weights[o];
                    float accR = 0;
                    float accG = 0;
                    float accB = 0;
                    for (int k = 0, i = rowBase + horizontal.start[o] * 3; k < weights.length; k++, i += 3) {
                        float wk = weights[k];
                        accB += (chunk[i] & 0xff) * wk;
                        accG += (chunk[i + 1] & 0xff) * wk;
                        accR += (chunk[i + 2] & 0xff) * wk;
                    }
                    r[outBase + o] = accR;
                    g[outBase + o] = accG;
                    b[outBase + o] = accB;
                }
            }
        }
        return vertical(narrow, outW, h, outH);
    }

    /** Vertical pass, row by row so every read and write is contiguous (a column walk thrashes the cache). */
    private static float[][] vertical(float[][] narrow, int outW, int h, int outH) {
        Kernel vertical = new Kernel(h, outH);
        float[][] out = new float[3][Math.toIntExact((long) outW * outH)];
        for (int c = 0; c < 3; c++) {
            float[] src = narrow[c];
            float[] dst = out[c];
            for (int o = 0; o < outH; o++) {
                float[] weights = vertical.weights[o];
                int dstBase = o * outW;
                for (int k = 0; k < weights.length; k++) {
                    float wk = weights[k];
                    int srcBase = (vertical.start[o] + k) * outW;
                    for (int x = 0; x < outW; x++) {
                        dst[dstBase + x] += src[srcBase + x] * wk;
                    }
                }
            }
        }
        return out;
    }

    /** Precomputed weights for one axis: for each output index, a window of input indices. */
    private static final class Kernel {
        private final int[] start;
        private final int[] count;
        private final float[][] weights;

        Kernel(int inSize, int outSize) {
            double scale = (double) inSize / outSize;
            double filterScale = Math.max(scale, 1.0);
            double support = filterScale; // triangle support is 1, widened by the downscale factor
            start = new int[outSize];
            count = new int[outSize];
            weights = new float[outSize][];
            for (int o = 0; o < outSize; o++) {
                double center = (o + 0.5) * scale;
                int min = Math.max(0, (int) (center - support + 0.5));
                int max = Math.min(inSize, (int) (center + support + 0.5));
                double[] w = new double[max - min];
                double sum = 0;
                for (int i = min; i < max; i++) {
                    double t = Math.abs((i - center + 0.5) / filterScale);
                    w[i - min] = t < 1 ? 1 - t : 0;
                    sum += w[i - min];
                }
                float[] normalized = new float[w.length];
                for (int i = 0; i < w.length; i++) {
                    normalized[i] = sum == 0 ? 0 : (float) (w[i] / sum);
                }
                start[o] = min;
                count[o] = max - min;
                weights[o] = normalized;
            }
        }

        void apply(float[] src, int srcBase, int srcStride, float[] dst, int dstBase, int dstStride) {
            for (int o = 0; o < start.length; o++) {
                float acc = 0;
                float[] w = weights[o];
                int s = srcBase + start[o] * srcStride;
                for (int k = 0; k < count[o]; k++, s += srcStride) {
                    acc += src[s] * w[k];
                }
                dst[dstBase + o * dstStride] = acc;
            }
        }
    }
}
