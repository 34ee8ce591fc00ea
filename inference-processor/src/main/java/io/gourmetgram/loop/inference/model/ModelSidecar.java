package io.gourmetgram.loop.inference.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * {@code model.json}: what a model is and how to feed it. With it, any ONNX image classifier can be
 * served without code changes.
 *
 * @param labels        class names in the order of the model's output
 * @param input         the input tensor's name, layout and size
 * @param output        the output tensor's name and whether it holds logits or probabilities
 * @param preprocessing how an image becomes the input tensor
 */
public record ModelSidecar(
        String id, String version, List<String> labels, Input input, Output output, Preprocessing preprocessing) {

    public ModelSidecar {
        labels = List.copyOf(labels);
    }

    public enum Layout {
        NCHW,
        NHWC
    }

    public record Input(String name, Layout layout, int height, int width) {}

    public record Output(String name, Kind kind) {
        public enum Kind {
            @JsonProperty("logits")
            LOGITS,
            @JsonProperty("probabilities")
            PROBABILITIES
        }
    }

    /**
     * @param resize     {@code stretch}: resize to resizeSize × resizeSize ignoring aspect (the seed's
     *                   {@code Resize((224,224))}); {@code shorter-side}: resize the shorter side to resizeSize
     *                   keeping aspect (torchvision {@code Resize(256)})
     * @param cropSize   centre crop to cropSize × cropSize after resizing (no-op when equal to the resized size)
     * @param channelOrder {@code RGB} or {@code BGR}
     * @param scale      multiplier applied to 0–255 pixel values before normalization (1/255 for ToTensor)
     * @param jpegReducedDecoding {@code true}: a JPEG at least 4× larger per side than the resized size may be decoded
     *                   at 1/2, 1/4 or 1/8 scale in the DCT domain (keeping at least twice the resized size per side)
     *                   before resizing — several times faster on phone photos, within one intensity level of the
     *                   seed's tensors on average (see README); absent or {@code false}: always full-size decoding
     */
    public record Preprocessing(
            Resize resize,
            int resizeSize,
            int cropSize,
            ChannelOrder channelOrder,
            double scale,
            List<Double> mean,
            List<Double> std,
            Boolean jpegReducedDecoding) {

        public Preprocessing(
                Resize resize,
                int resizeSize,
                int cropSize,
                ChannelOrder channelOrder,
                double scale,
                List<Double> mean,
                List<Double> std) {
            this(resize, resizeSize, cropSize, channelOrder, scale, mean, std, false);
        }

        /** A copy that allows (or forbids) reduced-scale JPEG decoding. */
        public Preprocessing withJpegReducedDecoding(boolean allowed) {
            return new Preprocessing(resize, resizeSize, cropSize, channelOrder, scale, mean, std, allowed);
        }

        public boolean allowsJpegReducedDecoding() {
            return Boolean.TRUE.equals(jpegReducedDecoding);
        }

        public enum Resize {
            @JsonProperty("stretch")
            STRETCH,
            @JsonProperty("shorter-side")
            SHORTER_SIDE
        }

        public enum ChannelOrder {
            RGB,
            BGR
        }
    }
}
