package io.gourmetgram.loop.accuracy.estimate;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One simulated window's truth and what the estimators see of it, sampled as sampling-streams
 * does: flagged and low-confidence (&lt; 0.7) predictions are requested, the rest only when the
 * random rule picks them. A label may never arrive (annotator lag).
 */
public final class SimulatedWindow {

    static final double LOW_CONFIDENCE = 0.7;

    /** accuracy-streams' confidence bands (topology.ConfidenceBands). */
    static final double[] BAND_EDGES = {0, 0.5, 0.7, 0.8, 0.9, 0.95};

    private final SyntheticTraffic traffic;
    private final double randomRate;
    private final int hour;
    private final StratumSample[] otherBands = new StratumSample[BAND_EDGES.length];
    private StratumSample all = StratumSample.EMPTY;
    private StratumSample feedback = StratumSample.EMPTY;
    private StratumSample lowConfidence = StratumSample.EMPTY;
    private StratumSample other = StratumSample.EMPTY;
    private long right;
    long labelled;
    long labelledRight;
    double sumW;
    double sumWY;
    double sumW2;
    double sumW2Y;
    /** Σ P(right)(1 − P(right)) over the rest: the labels' own noise, which no estimator removes. */
    double otherBinomialVariance;

    public SimulatedWindow(SyntheticTraffic traffic, double randomRate) {
        this(traffic, randomRate, 0);
    }

    /** @param hour the simulated hour the window starts at (some populations change with time) */
    public SimulatedWindow(SyntheticTraffic traffic, double randomRate, int hour) {
        this.traffic = traffic;
        this.randomRate = randomRate;
        this.hour = hour;
        Arrays.fill(otherBands, StratumSample.EMPTY);
    }

    /** @return whether the prediction is requested for review */
    public boolean add(SyntheticTraffic.Draw d, boolean sampled, boolean labelArrives) {
        double c = d.confidence();
        right += d.right() ? 1 : 0;
        all = all.withPredictions(1, c);
        boolean unsure = c < LOW_CONFIDENCE;
        boolean labelledNow = labelArrives && (d.flagged() || unsure || sampled);
        if (d.flagged()) {
            feedback = feedback.withPredictions(1, c);
        } else if (unsure) {
            lowConfidence = lowConfidence.withPredictions(1, c);
        } else {
            double g = traffic.probabilityRightUnflagged(c, hour);
            otherBinomialVariance += g * (1 - g);
            otherBands[band(c)] = otherBands[band(c)].withPredictions(1, c);
        }
        if (labelledNow) {
            if (d.flagged()) {
                feedback = feedback.withLabel(1, c, d.right());
            } else if (unsure) {
                lowConfidence = lowConfidence.withLabel(1, c, d.right());
            } else {
                other = other.withLabel(1, c, d.right());
                otherBands[band(c)] = otherBands[band(c)].withLabel(1, c, d.right());
            }
            double weight = d.flagged() || unsure ? 1 : 1 / randomRate;
            int y = d.right() ? 1 : 0;
            labelled++;
            labelledRight += y;
            sumW += weight;
            sumWY += weight * y;
            sumW2 += weight * weight;
            sumW2Y += weight * weight * y;
        }
        return d.flagged() || unsure || sampled;
    }

    private static int band(double c) {
        int b = BAND_EDGES.length - 1;
        while (c < BAND_EDGES[b]) {
            b--;
        }
        return b;
    }

    /** The {@code other} stratum, band by band, as {@link SmallAreaEstimate} takes it. */
    public BandedStratum otherByBand() {
        return new BandedStratum(Arrays.asList(otherBands));
    }

    public long predictions() {
        return all.predictions();
    }

    public double truth() {
        return (double) right / all.predictions();
    }

    /** The strata as the production estimate sees them: sizes from all predictions, labels from the labelled. */
    public Map<String, StratumSample> strata() {
        Map<String, StratumSample> strata = new LinkedHashMap<>();
        strata.put("feedback", feedback);
        strata.put("low_confidence", lowConfidence);
        strata.put(
                "other",
                other.withPopulation(
                        all.predictions() - feedback.predictions() - lowConfidence.predictions(),
                        all.confidenceSum() - feedback.confidenceSum() - lowConfidence.confidenceSum()));
        return strata;
    }
}
