package io.gourmetgram.loop.inference.preprocessing;

/**
 * Separable resampling with a triangle (bilinear) kernel whose support widens with the downscale
 * factor — PIL's {@code Image.resize(..., BILINEAR)} algorithm. Without the widening, a plain
 * bilinear downscale of a 12-megapixel photo to 224 px samples 4 of every ~250 pixels and aliases.
 */
final class TriangleResampler {

    private TriangleResampler() {
    }

    static float[][] resize(float[][] planes, int w, int h, int outW, int outH) {
        float[][] out = new float[planes.length][];
        Kernel horizontal = new Kernel(w, outW);
        Kernel vertical = new Kernel(h, outH);
        for (int c = 0; c < planes.length; c++) {
            float[] tmp = new float[outW * h];
            for (int y = 0; y < h; y++) {
                horizontal.apply(planes[c], y * w, 1, tmp, y * outW, 1);
            }
            float[] dst = new float[outW * outH];
            for (int x = 0; x < outW; x++) {
                vertical.apply(tmp, x, outW, dst, x, outW);
            }
            out[c] = dst;
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
