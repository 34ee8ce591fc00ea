package io.gourmetgram.loop.sampling.config;

import io.gourmetgram.loop.events.ReviewReason;
import io.gourmetgram.loop.sampling.budget.AnnotatorBudget;
import io.gourmetgram.loop.sampling.rules.LowConfidenceRule;
import io.gourmetgram.loop.sampling.rules.RandomSampleRule;
import io.gourmetgram.loop.sampling.topology.SamplingSettings;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of sampling-streams ({@code gourmetgram.sampling.*}; environment variables in README.md).
 *
 * @param randomRate              share of all uploads in the random sample, in (0, 1]
 * @param lowConfidenceThreshold  top-1 confidence below which an upload is reviewed (the seed's 0.7)
 * @param marginThreshold         top-1 minus top-2 below which an upload is reviewed; 0 = off
 * @param earlyFeedbackRetention  how long (in stream time) feedback waits for its prediction before it is counted as
 *                                expired; by default as long as the {@code uploads} topic keeps an upload
 * @param maxRevisions            how many revisions one upload's labeling request may have (feedback beyond is counted, not emitted)
 * @param stateDir                where Kafka Streams keeps its local state
 * @param stallTimeout            health is DOWN when a stream thread makes no progress this long (SAMPLING_STALL_TIMEOUT)
 */
@Validated
@ConfigurationProperties("gourmetgram.sampling")
public record SamplingProperties(
        @DecimalMin(
                value = "0.0",
                inclusive = false,
                message =
                        "random-rate (SAMPLING_RANDOM_RATE) must be above 0: the random sample is what makes accuracy estimates unbiased")
        @DecimalMax(value = "1.0", message = "random-rate (SAMPLING_RANDOM_RATE) is a share of uploads, at most 1")
        double randomRate,

        @DecimalMin(value = "0.0", message = "low-confidence-threshold must be between 0 and 1")
        @DecimalMax(value = "1.0", message = "low-confidence-threshold must be between 0 and 1")
        double lowConfidenceThreshold,

        @DecimalMin(value = "0.0", message = "margin-threshold must be between 0 (off) and 1")
        @DecimalMax(value = "1.0", message = "margin-threshold must be between 0 (off) and 1")
        double marginThreshold,

        @Valid @NotNull Budget budgetPerHour,
        @NotNull Duration earlyFeedbackRetention,

        @Min(value = 1, message = "max-revisions (SAMPLING_MAX_REVISIONS) must be at least 1")
        int maxRevisions,

        @NotBlank(message = "state-dir (SAMPLING_STATE_DIR) must name a writable directory")
        String stateDir,

        @DefaultValue("2m") @NotNull Duration stallTimeout) {

    /** New review requests per hour, per reason. */
    public record Budget(
            @Min(0) int random,
            @Min(0) int lowConfidence,
            @Min(0) int flagged,
            @Min(0) int corrected) {}

    /** @param inputPartitions the real partition count of {@code predictions}, which shares the hourly caps */
    public SamplingSettings settings(int inputPartitions) {
        return new SamplingSettings(
                new RandomSampleRule(randomRate),
                new LowConfidenceRule(lowConfidenceThreshold, marginThreshold),
                AnnotatorBudget.sharedBy(
                        inputPartitions,
                        Map.of(
                                ReviewReason.RANDOM,
                                budgetPerHour.random(),
                                ReviewReason.LOW_CONFIDENCE,
                                budgetPerHour.lowConfidence(),
                                ReviewReason.FLAGGED,
                                budgetPerHour.flagged(),
                                ReviewReason.CORRECTED,
                                budgetPerHour.corrected())),
                earlyFeedbackRetention,
                Duration.ofMinutes(10),
                maxRevisions);
    }
}
