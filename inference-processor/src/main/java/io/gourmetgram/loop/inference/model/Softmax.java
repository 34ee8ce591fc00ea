package io.gourmetgram.loop.inference.model;

/** Numerically stable softmax: subtract the max before exponentiating. */
public final class Softmax {

    private Softmax() {}

    public static void inPlace(float[] logits) {
        float max = Float.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        double sum = 0;
        double[] exp = new double[logits.length];
        for (int i = 0; i < logits.length; i++) {
            exp[i] = Math.exp(logits[i] - max);
            sum += exp[i];
        }
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) (exp[i] / sum);
        }
    }
}
