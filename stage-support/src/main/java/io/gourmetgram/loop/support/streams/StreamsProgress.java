package io.gourmetgram.loop.support.streams;

import io.gourmetgram.loop.support.deadletter.StreamThreadReplacements;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.ThreadMetadata;
import org.springframework.boot.health.contributor.Health;

/**
 * Whether a Streams stage is really working, not just "running": DOWN with the reason when the client
 * has stopped (a stream thread died with an error the dead-letter policy could not absorb), when a
 * stream thread is dead, when a stream thread has not polled for {@code stallTimeout} (wedged in a
 * call), or when it has had input waiting for {@code stallTimeout} without processing a record.
 *
 * <p>Progress is judged from the client's own metrics ({@code stream-thread-metrics} poll and process
 * totals, the main consumer's {@code records-lag}) between two health checks, so it costs no extra
 * call to the broker; an orchestrator's periodic probe is what moves the clock.
 */
final class StreamsProgress {

    private static final Set<KafkaStreams.State> WORKING =
            Set.of(KafkaStreams.State.RUNNING, KafkaStreams.State.REBALANCING);
    private static final String THREAD_GROUP = "stream-thread-metrics";
    private static final String FETCH_GROUP = "consumer-fetch-manager-metrics";

    private final KafkaStreams streams;
    private final Duration stallTimeout;
    private final Clock clock;
    private final StreamThreadReplacements replacements;
    private final Map<String, Observation> threads = new HashMap<>();
    private volatile String failure;

    StreamsProgress(KafkaStreams streams, Duration stallTimeout, Clock clock, StreamThreadReplacements replacements) {
        this.streams = streams;
        this.stallTimeout = stallTimeout;
        this.clock = clock;
        this.replacements = replacements;
    }

    /** Called by the uncaught-exception handler on the dying thread when the client is shut down. */
    void threadFailed(String thread, String reason) {
        failure = reason;
    }

    synchronized Health health() {
        KafkaStreams.State state = streams.state();
        if (!WORKING.contains(state)) {
            String reason = failure != null ? failure : "the Kafka Streams client is " + state;
            return withReplacements(
                            Health.down().withDetail("state", state.name()).withDetail("reason", reason))
                    .build();
        }
        Map<String, Double> polls = new HashMap<>();
        Map<String, Double> processed = new HashMap<>();
        Map<String, Double> lag = new HashMap<>();
        for (Map.Entry<MetricName, ? extends Metric> e : streams.metrics().entrySet()) {
            MetricName name = e.getKey();
            if (THREAD_GROUP.equals(name.group()) && "poll-total".equals(name.name())) {
                polls.put(name.tags().get("thread-id"), number(e.getValue()));
            } else if (THREAD_GROUP.equals(name.group()) && "process-total".equals(name.name())) {
                processed.put(name.tags().get("thread-id"), number(e.getValue()));
            } else if (FETCH_GROUP.equals(name.group())
                    && "records-lag".equals(name.name())
                    && name.tags().containsKey("partition")) {
                lag.merge(name.tags().get("client-id"), Math.max(0, number(e.getValue())), Double::sum);
            }
        }
        Instant now = clock.instant();
        Map<String, String> threadStates = new LinkedHashMap<>();
        String reason = null;
        for (ThreadMetadata thread : streams.metadataForLocalThreads()) {
            String id = thread.threadName();
            threadStates.put(id, thread.threadState());
            if ("DEAD".equals(thread.threadState())) {
                reason = reason != null ? reason : "stream thread " + id + " is dead";
                continue;
            }
            Observation seen = threads.computeIfAbsent(id, k -> new Observation(now));
            String stall = seen.update(
                    now,
                    polls.getOrDefault(id, 0.0),
                    processed.getOrDefault(id, 0.0),
                    lag.getOrDefault(id + "-consumer", 0.0),
                    stallTimeout);
            if (stall != null && reason == null) {
                reason = "stream thread " + id + " " + stall;
            }
        }
        threads.keySet().retainAll(threadStates.keySet());
        Health.Builder health = reason == null ? Health.up() : Health.down().withDetail("reason", reason);
        return withReplacements(health.withDetail("state", state.name()).withDetail("threads", threadStates))
                .build();
    }

    /** Recent thread replacements stay visible in the details for the length of their window. */
    private Health.Builder withReplacements(Health.Builder health) {
        return replacements.recent().isEmpty()
                ? health
                : health.withDetail("threadReplacements", replacements.details());
    }

    private static double number(Metric metric) {
        return metric.metricValue() instanceof Number n && !Double.isNaN(n.doubleValue()) ? n.doubleValue() : 0;
    }

    /** What one thread had done at the previous check, and since when it has been idle or waiting. */
    private static final class Observation {
        private double polls = -1;
        private double processed = -1;
        private Instant lastPoll;
        private Instant inputWaitingSince;

        Observation(Instant now) {
            lastPoll = now;
        }

        /** @return why the thread is stalled, or null */
        String update(Instant now, double pollTotal, double processTotal, double lag, Duration stallTimeout) {
            if (pollTotal != polls) {
                polls = pollTotal;
                lastPoll = now;
            }
            if (processTotal != processed || lag <= 0) {
                processed = processTotal;
                inputWaitingSince = lag > 0 ? now : null;
            } else if (inputWaitingSince == null) {
                inputWaitingSince = now;
            }
            Duration sincePoll = Duration.between(lastPoll, now);
            if (sincePoll.compareTo(stallTimeout) >= 0) {
                return "has not polled Kafka for " + sincePoll.toSeconds() + " s (stall timeout " + stallTimeout
                        + "): it is stuck in a call";
            }
            if (inputWaitingSince != null
                    && Duration.between(inputWaitingSince, now).compareTo(stallTimeout) >= 0) {
                return "has had " + (long) lag + " records waiting for "
                        + Duration.between(inputWaitingSince, now).toSeconds()
                        + " s without processing one (stall timeout " + stallTimeout + ")";
            }
            return null;
        }
    }
}
