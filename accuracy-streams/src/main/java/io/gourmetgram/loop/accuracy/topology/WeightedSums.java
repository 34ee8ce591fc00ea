package io.gourmetgram.loop.accuracy.topology;

import io.gourmetgram.loop.accuracy.estimate.HajekEstimate;
import io.gourmetgram.loop.accuracy.estimate.WilsonInterval;
import io.gourmetgram.loop.events.AccuracyWindow.Estimate;

/** Σw, Σw·y, Σw², Σw²·y over a group of labels (w = 1/π): what a weighted estimate for the group needs. */
public record WeightedSums(double w, double wy, double w2, double w2y) {

    static final WeightedSums NONE = new WeightedSums(0, 0, 0, 0);

    WeightedSums add(int sign, double weight, boolean right) {
        int y = right ? 1 : 0;
        return new WeightedSums(
                w + sign * weight,
                wy + sign * weight * y,
                w2 + sign * weight * weight,
                w2y + sign * weight * weight * y);
    }

    WeightedSums plus(WeightedSums other, int sign) {
        return new WeightedSums(w + sign * other.w, wy + sign * other.wy, w2 + sign * other.w2, w2y + sign * other.w2y);
    }

    /** The Hájek share with Wilson's interval on Kish's effective sample size, which never claims certainty from a few labels. */
    Estimate estimate() {
        Estimate hajek = HajekEstimate.of(w, wy, w2, w2y);
        return hajek.accuracy() == null ? hajek : WilsonInterval.aroundWeighted(hajek.accuracy(), hajek.sampleSize());
    }
}
