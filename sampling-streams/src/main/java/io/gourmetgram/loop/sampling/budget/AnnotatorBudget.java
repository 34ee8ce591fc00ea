package io.gourmetgram.loop.sampling.budget;

import io.gourmetgram.loop.events.ReviewReason;
import java.util.EnumMap;
import java.util.Map;

/**
 * Hourly caps on new review requests, one per reason. The random sample has its own cap, so a
 * flood of low-confidence or flagged images never starves the unbiased stratum.
 */
public record AnnotatorBudget(Map<ReviewReason, Integer> perHour) {

    public AnnotatorBudget {
        perHour = new EnumMap<>(perHour);
        for (ReviewReason reason : ReviewReason.values()) {
            Integer cap = perHour.get(reason);
            if (cap == null || cap < 0) {
                throw new IllegalArgumentException("an hourly budget (>= 0) is needed for reason " + reason);
            }
        }
    }

    public int capFor(ReviewReason reason) {
        return perHour.get(reason);
    }
}
