package io.gourmetgram.loop.inference.model;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * An ONNX image classifier checked against its sidecar at load time, scoring whole batches in one
 * session run. Thread-safe: ONNX Runtime sessions allow concurrent {@code run} calls.
 */
public final class ImageClassifier implements AutoCloseable {

    private final ModelFiles files;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final long[] singleImageShape;
    private final ThreadLocal<FloatBuffer> inputBuffers = new ThreadLocal<>();

    private ImageClassifier(ModelFiles files, OrtEnvironment env, OrtSession session) {
        this.files = files;
        this.env = env;
        this.session = session;
        ModelSidecar.Input in = files.sidecar().input();
        this.singleImageShape = in.layout() == ModelSidecar.Layout.NCHW
                ? new long[] {3, in.height(), in.width()}
                : new long[] {in.height(), in.width(), 3};
    }

    /** Opens the model and fails with a message naming both files if it does not match its sidecar. */
    public static ImageClassifier load(ModelFiles files, int intraOpThreads) {
        try {
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            OrtSession.SessionOptions options = new OrtSession.SessionOptions();
            if (intraOpThreads > 0) {
                options.setIntraOpNumThreads(intraOpThreads);
            }
            // Idle intra-op threads sleep instead of spinning: the cores they would burn are decoding the next batch.
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            OrtSession session = env.createSession(files.onnx(), options);
            ImageClassifier classifier = new ImageClassifier(files, env, session);
            classifier.checkAgainstSidecar();
            return classifier;
        } catch (OrtException e) {
            throw new ModelMismatchException(
                    "ONNX Runtime cannot load " + files.onnxLocation() + ": " + e.getMessage());
        }
    }

    public ModelFiles files() {
        return files;
    }

    /** Number of floats one preprocessed image occupies. */
    public int imageTensorSize() {
        return (int) (singleImageShape[0] * singleImageShape[1] * singleImageShape[2]);
    }

    /**
     * Scores a batch in one session run.
     *
     * @param images preprocessed tensors, each {@link #imageTensorSize()} floats in the sidecar's layout
     * @return per image, the class probabilities in label order
     */
    public float[][] classify(List<float[]> images) throws OrtException {
        if (images.isEmpty()) {
            return new float[0][];
        }
        int size = imageTensorSize();
        FloatBuffer batch = inputBuffer(size * images.size());
        for (float[] image : images) {
            if (image.length != size) {
                throw new IllegalArgumentException(
                        "Image tensor has " + image.length + " floats, model expects " + size);
            }
            batch.put(image);
        }
        batch.flip();
        long[] shape = new long[] {images.size(), singleImageShape[0], singleImageShape[1], singleImageShape[2]};
        String inputName = files.sidecar().input().name();
        try (OnnxTensor input = OnnxTensor.createTensor(env, batch, shape);
                OrtSession.Result result = session.run(
                        Map.of(inputName, input),
                        java.util.Set.of(files.sidecar().output().name()))) {
            float[][] scores = (float[][]) result.get(0).getValue();
            if (files.sidecar().output().kind() == ModelSidecar.Output.Kind.LOGITS) {
                for (float[] row : scores) {
                    Softmax.inPlace(row);
                }
            }
            return scores;
        }
    }

    /**
     * A direct buffer reused across runs (per thread): ONNX Runtime reads a direct buffer in place, while a heap
     * buffer would be copied into a fresh native one for every batch.
     */
    private FloatBuffer inputBuffer(int floats) {
        FloatBuffer buffer = inputBuffers.get();
        if (buffer == null || buffer.capacity() < floats) {
            buffer = java.nio.ByteBuffer.allocateDirect(floats * Float.BYTES)
                    .order(java.nio.ByteOrder.nativeOrder())
                    .asFloatBuffer();
            inputBuffers.set(buffer);
        }
        buffer.clear();
        buffer.limit(floats);
        return buffer;
    }

    private void checkAgainstSidecar() throws OrtException {
        ModelSidecar s = files.sidecar();
        String both = " (" + files.onnxLocation() + " vs " + files.sidecarLocation() + ")";
        Map<String, NodeInfo> inputs = session.getInputInfo();
        NodeInfo input = inputs.get(s.input().name());
        if (input == null) {
            throw new ModelMismatchException("model.json names input '"
                    + s.input().name() + "' but the model's inputs are " + inputs.keySet() + both);
        }
        long[] inShape = ((TensorInfo) input.getInfo()).getShape();
        long[] expected = {-1, singleImageShape[0], singleImageShape[1], singleImageShape[2]};
        if (!compatible(inShape, expected)) {
            throw new ModelMismatchException(
                    "model.json declares input " + s.input().layout() + " "
                            + s.input().height() + "×" + s.input().width() + " (shape " + Arrays.toString(expected)
                            + ") but the model's input '" + s.input().name() + "' has shape " + Arrays.toString(inShape)
                            + both);
        }
        Map<String, NodeInfo> outputs = session.getOutputInfo();
        NodeInfo output = outputs.get(s.output().name());
        if (output == null) {
            throw new ModelMismatchException("model.json names output '"
                    + s.output().name() + "' but the model's outputs are " + outputs.keySet() + both);
        }
        long[] outShape = ((TensorInfo) output.getInfo()).getShape();
        if (outShape.length != 2
                || (outShape[1] >= 0 && outShape[1] != s.labels().size())) {
            throw new ModelMismatchException(
                    "model.json lists " + s.labels().size() + " labels but the model's output '"
                            + s.output().name() + "' has shape " + Arrays.toString(outShape) + both);
        }
    }

    /** Same rank, and every dimension equal unless either side leaves it dynamic (negative). */
    private static boolean compatible(long[] actual, long[] expected) {
        if (actual.length != expected.length) {
            return false;
        }
        for (int i = 0; i < actual.length; i++) {
            if (actual[i] >= 0 && expected[i] >= 0 && actual[i] != expected[i]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
