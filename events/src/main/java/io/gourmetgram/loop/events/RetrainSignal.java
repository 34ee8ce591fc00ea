package io.gourmetgram.loop.events;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * Time to retrain a model version: its accuracy is reliably too low, or enough new human labels
 * have accumulated. Topic {@code retrain-signals}, key = model id:version.
 *
 * @param windowStart   for {@code accuracy_below_threshold}: the window whose upper bound crossed
 * @param upperBound    that window's weighted-estimate upper 95 % bound
 * @param newLabels     for {@code labels_accumulated}: human labels since the previous such signal
 */
public record RetrainSignal(
        int schemaVersion,
        ModelRef model,
        Reason reason,
        Instant windowStart,
        Double upperBound,
        Double threshold,
        Long newLabels,
        Instant at) {

    public static final int SCHEMA_VERSION = 1;

    public enum Reason {
        @JsonProperty("accuracy_below_threshold")
        ACCURACY_BELOW_THRESHOLD,
        @JsonProperty("labels_accumulated")
        LABELS_ACCUMULATED
    }
}
