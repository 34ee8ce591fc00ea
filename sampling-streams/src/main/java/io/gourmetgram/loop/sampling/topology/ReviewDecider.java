package io.gourmetgram.loop.sampling.topology;

import io.gourmetgram.loop.events.Feedback;
import io.gourmetgram.loop.events.FeedbackKind;
import io.gourmetgram.loop.events.LabelingRequest;
import io.gourmetgram.loop.events.Prediction;
import io.gourmetgram.loop.events.ReasonInclusion;
import io.gourmetgram.loop.events.RequestState;
import io.gourmetgram.loop.events.ReviewReason;
import io.gourmetgram.loop.sampling.budget.HourlyCount;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides, per upload, whether humans should see it and why, and emits the request (or its next
 * revision). Times come from the records, not the wall clock, so a replay decides the same way.
 */
final class ReviewDecider implements Processor<String, Object, String, LabelingRequest> {

    private static final Logger log = LoggerFactory.getLogger(ReviewDecider.class);
    private static final Set<ReviewReason> ALWAYS_ON =
            EnumSet.of(ReviewReason.LOW_CONFIDENCE, ReviewReason.FLAGGED, ReviewReason.CORRECTED);

    private final SamplingSettings settings;
    private final MeterRegistry registry;
    private final Counter expiredFeedback;
    private final Counter revisionLimited;
    /** Registered once each: looking a counter up in the registry for every request cost more than counting. */
    private final Map<String, Counter> requestCounters = new HashMap<>();

    private ProcessorContext<String, LabelingRequest> context;
    private KeyValueStore<String, ReviewState> reviews;
    private KeyValueStore<String, ReviewState.EarlyFeedback> early;
    private KeyValueStore<String, HourlyCount> budget;

    ReviewDecider(SamplingSettings settings, MeterRegistry registry) {
        this.settings = settings;
        this.registry = registry;
        this.expiredFeedback = Counter.builder("gourmetgram.sampling.feedback.expired")
                .description("Feedback whose prediction never arrived within the retention")
                .register(registry);
        this.revisionLimited = Counter.builder("gourmetgram.sampling.feedback.revision.limited")
                .description("Feedback that would have changed a request past its revision limit")
                .register(registry);
    }

    @Override
    public void init(ProcessorContext<String, LabelingRequest> context) {
        this.context = context;
        this.reviews = context.getStateStore(LabelingRequestTopology.REVIEW_STATE);
        this.early = context.getStateStore(LabelingRequestTopology.EARLY_FEEDBACK);
        this.budget = context.getStateStore(LabelingRequestTopology.BUDGET);
        // Stream time, not the wall clock: while inference is down no prediction arrives, and held
        // feedback must not age out just because the outage lasted.
        context.schedule(settings.expiryScanInterval(), PunctuationType.STREAM_TIME, this::expireEarlyFeedback);
    }

    @Override
    public void process(Record<String, Object> record) {
        if (record.key() == null || record.value() == null) {
            return;
        }
        switch (record.value()) {
            case Prediction prediction -> onPrediction(record.key(), prediction, record.timestamp());
            case Feedback feedback -> onFeedback(record.key(), feedback, record.timestamp());
            default ->
                throw new IllegalArgumentException(
                        "Unexpected record type " + record.value().getClass());
        }
    }

    private void onPrediction(String uploadId, Prediction prediction, long timestamp) {
        if (reviews.get(uploadId) != null) {
            return; // a prediction replayed or re-scored: the upload was already decided once
        }
        Set<ReviewReason> reasons = EnumSet.noneOf(ReviewReason.class);
        if (settings.randomSample().selects(uploadId)) {
            reasons.add(ReviewReason.RANDOM);
        }
        if (settings.lowConfidence().selects(prediction)) {
            reasons.add(ReviewReason.LOW_CONFIDENCE);
        }
        ReviewState state = ReviewState.of(prediction, reasons);
        // Read before deleting: a delete of a key that is not there still writes a changelog tombstone,
        // and almost every prediction arrives before any feedback on it.
        ReviewState.EarlyFeedback waiting = early.get(uploadId);
        if (waiting != null) {
            early.delete(uploadId);
            state = state.with(waiting);
        }
        decide(uploadId, state, Set.of(), timestamp);
    }

    private void onFeedback(String uploadId, Feedback feedback, long timestamp) {
        if (feedback.kind() == FeedbackKind.CONFIRMATION) {
            return; // not a review reason; accuracy-streams reads confirmations itself
        }
        ReviewState state = reviews.get(uploadId);
        if (state == null) {
            // A summary, not the records: thousands of flags must not grow one state value past what
            // the changelog accepts (that would stop the stage for everyone).
            ReviewState.EarlyFeedback waiting = early.get(uploadId);
            early.put(
                    uploadId,
                    waiting == null ? ReviewState.EarlyFeedback.first(feedback, timestamp) : waiting.and(feedback));
            return;
        }
        ReviewState updated = state.with(feedback);
        if (updated.reasons().equals(state.reasons()) && Objects.equals(updated.correction(), state.correction())) {
            return; // nothing new for annotators (e.g. a second flag)
        }
        if (state.revision() >= settings.maxRevisions()) {
            revisionLimited.increment(); // e.g. a user alternating corrections: annotators keep the last revision
            log.debug(
                    "Feedback on upload {} ignored: its request reached {} revisions",
                    uploadId,
                    settings.maxRevisions());
            return;
        }
        decide(uploadId, updated, state.emitted() ? state.reasons() : Set.of(), timestamp);
    }

    /**
     * Emits the first request, or the next revision, when the upload has any reason; stores the state either way.
     *
     * @param requested the reasons of the request already emitted for this upload (none before the first)
     */
    private void decide(String uploadId, ReviewState state, Set<ReviewReason> requested, long timestamp) {
        if (state.reasons().isEmpty()) {
            reviews.put(uploadId, state);
            return;
        }
        long hour = Duration.ofMillis(timestamp).toHours();
        Set<ReviewReason> newReasons = EnumSet.copyOf(state.reasons());
        newReasons.removeAll(requested);
        // This hour's counts, each read from the store once per decision (a read deserializes it).
        Map<ReviewReason, HourlyCount> counts = new EnumMap<>(ReviewReason.class);
        RequestState requestState =
                state.state() == RequestState.OPEN ? RequestState.OPEN : admit(newReasons, hour, counts);
        Instant at = Instant.ofEpochMilli(timestamp);
        ReviewState emitted = state.emittedAs(state.revision() + 1, requestState, at);
        reviews.put(uploadId, emitted);
        LabelingRequest request = new LabelingRequest(
                uploadId,
                emitted.revision(),
                requestState,
                inclusions(emitted.reasons(), hour, counts),
                overallInclusion(emitted.reasons(), hour, counts),
                state.prediction(),
                emitted.correction(),
                emitted.requestedAt(),
                at);
        context.forward(new Record<>(uploadId, request, timestamp));
        if (emitted.revision() == settings.maxRevisions()) {
            log.warn(
                    "Upload {} reached {} revisions of its labeling request; further feedback on it will not update it",
                    uploadId,
                    settings.maxRevisions());
        }
        // One count per reason: a request selected for two reasons counts under both.
        for (ReviewReason reason : emitted.reasons()) {
            String stateTag = requestState == RequestState.OPEN ? "open" : "skipped_budget";
            String revisionTag = emitted.revision() == 1 ? "new" : "update";
            requestCounters
                    .computeIfAbsent(
                            reason.wireName() + '/' + stateTag + '/' + revisionTag,
                            k -> Counter.builder("gourmetgram.sampling.requests")
                                    .tag("reason", reason.wireName())
                                    .tag("state", stateTag)
                                    .tag("revision", revisionTag)
                                    .description(
                                            "Labeling requests emitted, per reason (a request with two reasons counts under both)")
                                    .register(registry))
                    .increment();
        }
    }

    /**
     * A new request is open when at least one of its reasons still has budget this hour; every
     * reason's hourly count records the selection, and the admission if the request is open.
     */
    private RequestState admit(Set<ReviewReason> reasons, long hour, Map<ReviewReason, HourlyCount> counts) {
        boolean open = reasons.stream().anyMatch(r -> count(r, hour, counts).admitted() < taskCap(r));
        for (ReviewReason reason : reasons) {
            HourlyCount count = count(reason, hour, counts);
            HourlyCount updated = count.select(open && count.admitted() < taskCap(reason));
            budget.put(budgetKey(reason, hour), updated);
            counts.put(reason, updated);
        }
        return open ? RequestState.OPEN : RequestState.SKIPPED_BUDGET;
    }

    private List<ReasonInclusion> inclusions(
            Set<ReviewReason> reasons, long hour, Map<ReviewReason, HourlyCount> counts) {
        return reasons.stream()
                .map(r -> new ReasonInclusion(r, probability(r, hour, counts)))
                .toList();
    }

    /**
     * P(this upload is selected) = 1 − (1 − p_random) × Π(1 − p_r) over the always-on reasons that
     * apply: the random sample could have picked any upload, the other rules fire on what it is.
     */
    private double overallInclusion(Set<ReviewReason> reasons, long hour, Map<ReviewReason, HourlyCount> counts) {
        double notSelected = 1 - probability(ReviewReason.RANDOM, hour, counts);
        for (ReviewReason reason : reasons) {
            if (ALWAYS_ON.contains(reason)) {
                notSelected *= 1 - probability(reason, hour, counts);
            }
        }
        return Math.max(1 - notSelected, Double.MIN_NORMAL);
    }

    /** Base probability (1, or the sample rate) thinned by the share of this hour's selections the budget admitted. */
    private double probability(ReviewReason reason, long hour, Map<ReviewReason, HourlyCount> counts) {
        double base = reason == ReviewReason.RANDOM ? settings.randomSample().rate() : 1.0;
        return base * count(reason, hour, counts).admittedShare();
    }

    /** The reason's count this hour: from {@code counts} when this decision already read or wrote it. */
    private HourlyCount count(ReviewReason reason, long hour, Map<ReviewReason, HourlyCount> counts) {
        return counts.computeIfAbsent(reason, r -> {
            HourlyCount count = budget.get(budgetKey(r, hour));
            return count == null ? HourlyCount.NONE : count;
        });
    }

    /** Each task (partition) gets an even share of the hourly cap, so the total across instances holds. */
    private long taskCap(ReviewReason reason) {
        return settings.budget().taskCapFor(reason);
    }

    private static String budgetKey(ReviewReason reason, long hour) {
        return reason.name() + "@" + hour;
    }

    private void expireEarlyFeedback(long now) {
        long cutoff = now - settings.earlyFeedbackRetention().toMillis();
        List<String> expired = new ArrayList<>();
        try (KeyValueIterator<String, ReviewState.EarlyFeedback> all = early.all()) {
            while (all.hasNext()) {
                KeyValue<String, ReviewState.EarlyFeedback> entry = all.next();
                if (entry.value.firstSeenMillis() < cutoff) {
                    expired.add(entry.key);
                }
            }
        }
        for (String uploadId : expired) {
            early.delete(uploadId);
            expiredFeedback.increment();
            log.warn(
                    "Feedback for upload {} expired: its prediction did not arrive within {} of stream time",
                    uploadId,
                    settings.earlyFeedbackRetention());
        }
    }
}
