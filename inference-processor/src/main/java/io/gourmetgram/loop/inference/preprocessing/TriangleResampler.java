package io.gourmetgram.loop.inference.preprocessing;

import java.awt.image.BufferedImage;

/**
 * Separable resampling with a triangle (bilinear) kernel whose support widens with the downscale
 * factor — PIL's {@code Image.resize(..., BILINEAR)} algorithm. Without the widening, a plain
 * bilinear downscale of a 12-megapixel photo to 224 px samples 4 of every ~250 pixels and aliases.
 */
final class TriangleResampler {

    private TriangleResampler() {
    }

    /**
     * Resizes to outW × outH and returns the R, G and B planes (0–255 floats). The horizontal pass
     * reads the image one row at a time, so a 12-megapixel photo never exists as floats in memory.
     */
    static float[][] resize(BufferedImage image, int outW, int outH) {
        int w = image.getWidth();
        int h = image.getHeight();
        Kernel horizontal = new Kernel(w, outW);
        Kernel vertical = new Kernel(h, outH);
        float[][] narrow = new float[3][outW * h];
        // Decoded JPEGs are 8-bit sRGB rasters: read their samples directly (getRGB converts per pixel, 10× slower).
        boolean plainRgb = image.getRaster().getNumBands() == 3 && image.getColorModel().getColorSpace().isCS_sRGB()
                && image.getColorModel() instanceof java.awt.image.ComponentColorModel;
        int[] pixels = new int[w * (plainRgb ? 3 : 1)];
        float[][] row = new float[3][w];
        for (int y = 0; y < h; y++) {
            if (plainRgb) {
                image.getRaster().getPixels(0, y, w, 1, pixels);
                for (int x = 0, i = 0; x < w; x++, i += 3) {
                    row[0][x] = pixels[i];
                    row[1][x] = pixels[i + 1];
                    row[2][x] = pixels[i + 2];
                }
            } else {
                image.getRGB(0, y, w, 1, pixels, 0, w);
                for (int x = 0; x < w; x++) {
                    int p = pixels[x];
                    row[0][x] = (p >> 16) & 0xff;
                    row[1][x] = (p >> 8) & 0xff;
                    row[2][x] = p & 0xff;
                }
            }
            for (int c = 0; c < 3; c++) {
                horizontal.apply(row[c], 0, 1, narrow[c], y * outW, 1);
            }
        }
        float[][] out = new float[3][outW * outH];
        for (int c = 0; c < 3; c++) {
            for (int x = 0; x < outW; x++) {
                vertical.apply(narrow[c], x, outW, out[c], x, outW);
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
