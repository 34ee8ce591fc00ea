package io.gourmetgram.loop.inference.preprocessing;

import io.gourmetgram.loop.inference.model.ModelSidecar;
import io.gourmetgram.loop.inference.model.ModelSidecar.Preprocessing;
import java.awt.image.BufferedImage;

/**
 * Turns a decoded image into the model's input tensor exactly as its sidecar declares: resize
 * (stretch or shorter side), centre crop, channel order, scale, mean/std, NCHW or NHWC.
 *
 * <p>Resizing uses the same antialiased bilinear (triangle) filter as PIL, which torchvision's
 * {@code Resize} calls for PIL images, so tensors match the seed's to within PIL's 8-bit rounding
 * between its two passes.
 */
public final class ImagePreprocessor {

    private final Preprocessing spec;
    private final ModelSidecar.Layout layout;
    private final float[] offset = new float[3];
    private final float[] factor = new float[3];

    public ImagePreprocessor(ModelSidecar sidecar) {
        this.spec = sidecar.preprocessing();
        this.layout = sidecar.input().layout();
        for (int c = 0; c < 3; c++) {
            // (v * scale - mean) / std  ==  v * factor - offset
            factor[c] = (float) (spec.scale() / spec.std().get(c));
            offset[c] = (float) (spec.mean().get(c) / spec.std().get(c));
        }
    }

    public float[] toTensor(BufferedImage image) {
        return toTensor(TriangleResampler.of(image));
    }

    /** The tensor of interleaved 8-bit BGR pixels, {@code width * 3} bytes per row. */
    float[] toTensorFromBgr(TriangleResampler.BgrRows bgr, int width, int height) {
        ImageLimits.check(width, height);
        int[] out = resizedSize(width, height);
        return crop(TriangleResampler.resizeBgr(bgr, width, height, out[0], out[1]), out[0], out[1], spec.cropSize());
    }

    /** The resized size (width, height) before the centre crop, for an image of the given size. */
    public int[] resizedSize(int w, int h) {
        if (spec.resize() == Preprocessing.Resize.STRETCH) {
            return new int[] {spec.resizeSize(), spec.resizeSize()};
        } else if (w <= h) {
            return new int[] {spec.resizeSize(), Math.max(1, Math.toIntExact((long) spec.resizeSize() * h / w))};
        } else {
            return new int[] {Math.max(1, Math.toIntExact((long) spec.resizeSize() * w / h)), spec.resizeSize()};
        }
    }

    private float[] toTensor(TriangleResampler.Rows image) {
        int w = image.width();
        int h = image.height();
        ImageLimits.check(w, h); // within them, every size below fits an int
        int[] out = resizedSize(w, h);
        int outW = out[0];
        int outH = out[1];
        float[][] rgb = TriangleResampler.resize(image, outW, outH);
        return crop(rgb, outW, outH, spec.cropSize());
    }

    /** Centre crop (torchvision rounding) fused with channel order, normalization and layout. */
    private float[] crop(float[][] rgb, int w, int h, int size) {
        int top = (int) Math.round((h - size) / 2.0);
        int left = (int) Math.round((w - size) / 2.0);
        float[] out = new float[3 * size * size];
        boolean bgr = spec.channelOrder() == Preprocessing.ChannelOrder.BGR;
        for (int c = 0; c < 3; c++) {
            float[] plane = rgb[bgr ? 2 - c : c];
            for (int y = 0; y < size; y++) {
                int sy = y + top;
                for (int x = 0; x < size; x++) {
                    int sx = x + left;
                    // Pixels outside the resized image (crop larger than image) are zero, as in torchvision's padding.
                    float v = sy >= 0 && sy < h && sx >= 0 && sx < w ? plane[sy * w + sx] * factor[c] - offset[c] : 0f;
                    int index = layout == ModelSidecar.Layout.NCHW ? (c * size + y) * size + x : (y * size + x) * 3 + c;
                    out[index] = v;
                }
            }
        }
        return out;
    }
}
