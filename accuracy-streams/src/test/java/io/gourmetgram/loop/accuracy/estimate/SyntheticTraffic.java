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
    UNRELATED("confidence unrelated (P(right) = 0.8)"),
    /** Calibrated, except 6 hours a day (12:00–18:00) when the model is 10 points worse at the same confidence. */
    DRIFTING("drifting (6 h a day 10 pp worse, same confidence)"),
    /** Calibrated, then 10 points worse at the same confidence for 5 days, then back, every 5 days. */
    STEP("step changes (10 pp worse for 5 days, then back)");

    static final double DEPARTURE = 0.10;

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
        return draw(random, 0);
    }

    /** A prediction made in the given hour (counted from the start of the simulation). */
    public Draw draw(Random random, int hour) {
        double c = this == UNSURE
                ? 0.4 + 0.6 * random.nextDouble()
                : 1 - (10.0 / 11) * (1 - Math.pow(random.nextDouble(), 1.0 / 8));
        double pRight = probabilityRight(c, hour);
        boolean right = random.nextDouble() < pRight;
        boolean flagged = random.nextDouble() < (right ? FLAG_IF_RIGHT : FLAG_IF_WRONG);
        return new Draw(c, right, flagged);
    }

    /** P(right | confidence c, not flagged): an unflagged prediction is a little likelier to be right. */
    public double probabilityRightUnflagged(double c, int hour) {
        double g = probabilityRight(c, hour);
        return g * (1 - FLAG_IF_RIGHT) / (g * (1 - FLAG_IF_RIGHT) + (1 - g) * (1 - FLAG_IF_WRONG));
    }

    /** P(right | confidence c): known here, never to the estimator. */
    public double probabilityRight(double c, int hour) {
        return switch (this) {
            case CALIBRATED, UNSURE -> c;
            case OVER_CONFIDENT -> c * c * c;
            case UNRELATED -> 0.8;
            case DRIFTING, STEP -> departs(hour) ? Math.max(0, c - DEPARTURE) : c;
        };
    }

    /** Whether the model is worse than usual in this hour. */
    boolean departs(int hour) {
        return switch (this) {
            case DRIFTING -> hour % 24 >= 12 && hour % 24 < 18;
            case STEP -> (hour / 120) % 2 == 1;
            default -> false;
        };
    }

    /**
     * The hours an estimate that learns from the past may get wrong: those departing from the day's
     * pattern, and the first day after a step (before the trailing hours have caught up).
     */
    public boolean unusual(int hour) {
        return switch (this) {
            case DRIFTING -> departs(hour);
            case STEP -> hour >= 120 && hour % 120 < 24;
            default -> false;
        };
    }
}
