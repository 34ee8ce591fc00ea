package io.gourmetgram.loop.inference.preprocessing;

/** Turns the bytes of a stored photo into the model's input tensor, as the model's sidecar declares. */
public interface PhotoTensors {

    /** @throws UndecodableImageException when the bytes are no image, or one outside {@link ImageLimits} */
    float[] fromPhoto(byte[] bytes);

    /** The JDK's ImageIO (with TwelveMonkeys' plug-ins) and this project's PIL-equivalent resampling. */
    static PhotoTensors imageIo(ImagePreprocessor preprocessor) {
        return bytes -> preprocessor.toTensor(ImageDecoder.decode(bytes));
    }
}
