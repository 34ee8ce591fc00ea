package io.gourmetgram.loop.accuracy.estimate;

import java.util.Random;

/**
 * Synthetic production traffic with known truth, for simulations of the estimators. Confidence
 * is drawn as real classifiers' top-1 confidence looks (most predictions near 1, a tail down to
 * 1/11); whether the model was right depends on it as the population says.
 */
public enum SyntheticTraffic {
    /** Calibrated: P(right | c) = c. Confidence 1 − (10/11)·Beta(1, 8): mean 0.90, 4 % below 0.7. */
    CALIBRATED("calibrated (P(right) = c)"),
    /** The population: confidence uniform in [0.4, 1], calibrated; half the predictions below 0.7. */
    UNSURE("unsure, calibrated (c uniform in [0.4, 1])"),
    /** Over-confident: P(right | c) = c³, mean accuracy about 0.75 for a mean confidence of 0.90. */
    OVER_CONFIDENT("over-confident (P(right) = c³)"),
    /** Confidence says nothing: P(right) = 0.8 whatever c. */
    UNRELATED("confidence unrelated (P(right) = 0.8)");

    /** Uploaders flag a fifth of wrong answers, and a few right ones by mistake. */
    static final double FLAG_IF_WRONG = 0.2;

    static final double FLAG_IF_RIGHT = 0.01;

    public final String description;

    SyntheticTraffic(String description) {
        this.description = description;
    }

    /** One prediction: its confidence, whether it was right, whether the uploader flagged it. */
    public record Draw(double confidence, boolean right, boolean flagged) {}

    public Draw draw(Random random) {
        double c = this == UNSURE
                ? 0.4 + 0.6 * random.nextDouble()
                : 1 - (10.0 / 11) * (1 - Math.pow(random.nextDouble(), 1.0 / 8));
        double pRight = probabilityRight(c);
        boolean right = random.nextDouble() < pRight;
        boolean flagged = random.nextDouble() < (right ? FLAG_IF_RIGHT : FLAG_IF_WRONG);
        return new Draw(c, right, flagged);
    }

    /** P(right | confidence c, not flagged): an unflagged prediction is a little likelier to be right. */
    public double probabilityRightUnflagged(double c) {
        double g = probabilityRight(c);
        return g * (1 - FLAG_IF_RIGHT) / (g * (1 - FLAG_IF_RIGHT) + (1 - g) * (1 - FLAG_IF_WRONG));
    }

    /** P(right | confidence c): known here, never to the estimator. */
    public double probabilityRight(double c) {
        return switch (this) {
            case CALIBRATED, UNSURE -> c;
            case OVER_CONFIDENT -> c * c * c;
            case UNRELATED -> 0.8;
        };
    }
}
