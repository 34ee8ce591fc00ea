package io.gourmetgram.loop.sampling.budget;

/**
 * For one reason in one hour: how many uploads the reason selected, and how many of those were
 * admitted as open requests. admitted / selected is the budget's thinning of that reason.
 */
public record HourlyCount(long selected, long admitted) {

    public static final HourlyCount NONE = new HourlyCount(0, 0);

    public HourlyCount select(boolean admit) {
        return new HourlyCount(selected + 1, admitted + (admit ? 1 : 0));
    }

    /** Share of this hour's selections that were admitted so far (1 before any selection). */
    public double admittedShare() {
        return selected == 0 ? 1.0 : (double) admitted / selected;
    }
}
