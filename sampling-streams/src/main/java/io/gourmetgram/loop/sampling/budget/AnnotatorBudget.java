package io.gourmetgram.loop.sampling.budget;

import io.gourmetgram.loop.events.ReviewReason;
import io.gourmetgram.loop.events.topics.Topics;
import java.util.EnumMap;
import java.util.Map;

/**
 * Hourly caps on new review requests, one per reason. The random sample has its own cap, so a
 * flood of low-confidence or flagged images never starves the unbiased stratum.
 *
 * <p>Each Streams task (one per input partition) enforces an even share of a cap, ⌈cap / partitions⌉,
 * without talking to the others, so the total holds however many instances run. {@code partitions}
 * is the real partition count of {@code predictions}, read when the stage starts.
 */
public record AnnotatorBudget(Map<ReviewReason, Integer> perHour, int partitions) {

    public AnnotatorBudget {
        perHour = new EnumMap<>(perHour);
        for (ReviewReason reason : ReviewReason.values()) {
            Integer cap = perHour.get(reason);
            if (cap == null || cap < 0) {
                throw new IllegalArgumentException("an hourly budget (>= 0) is needed for reason " + reason);
            }
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("the budget is shared by at least one partition, was " + partitions);
        }
    }

    /** Shared by the catalog's partition count of {@code predictions} (tests, TopologyTestDriver). */
    public AnnotatorBudget(Map<ReviewReason, Integer> perHour) {
        this(perHour, Topics.PREDICTIONS.partitions());
    }

    /** The caps, shared by the given number of input partitions. */
    public static AnnotatorBudget sharedBy(int partitions, Map<ReviewReason, Integer> perHour) {
        return new AnnotatorBudget(perHour, partitions);
    }

    public int capFor(ReviewReason reason) {
        return perHour.get(reason);
    }

    /** What one task (input partition) may admit per hour: ⌈cap / partitions⌉. */
    public long taskCapFor(ReviewReason reason) {
        return (capFor(reason) + partitions - 1) / partitions;
    }
}
