package io.gourmetgram.loop.accuracy.estimate;

import java.util.List;

/**
 * The sampled stratum of one hour, split by confidence band (the same bands, in the same order,
 * for every hour): each band's predictions and the labels among them. What {@link SmallAreaEstimate}
 * needs to learn P(right | confidence) from the trailing hours and to apply it to this one.
 *
 * @param bands one sample per confidence band
 */
public record BandedStratum(List<StratumSample> bands) {

    public BandedStratum {
        bands = List.copyOf(bands);
    }

    /** The whole stratum: all bands added up. */
    public StratumSample total() {
        return bands.stream().reduce(StratumSample.EMPTY, StratumSample::plus);
    }
}
