package io.gourmetgram.loop.support.deadletter;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.errors.InvalidPidMappingException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TransactionAbortableException;
import org.apache.kafka.common.errors.TransactionAbortedException;
import org.apache.kafka.common.errors.UnknownProducerIdException;
import org.apache.kafka.streams.errors.LockException;
import org.apache.kafka.streams.errors.TaskCorruptedException;
import org.apache.kafka.streams.errors.TaskMigratedException;

/**
 * Whether a dead stream thread is replaced or the client is shut down: a fault a fresh thread (with a
 * fresh producer, consumer and tasks) can get past is answered with a replacement, at most
 * {@code maxReplacements} within a sliding {@code window}; anything else, or one replacement too many,
 * shuts the client down with the reason. Thread-safe.
 */
public final class StreamThreadReplacements {

    /** Streams config key: replacements allowed within the window (default 5). */
    public static final String MAX_REPLACEMENTS = "gourmetgram.stream-thread.max-replacements";
    /** Streams config key: the sliding window, an ISO-8601 or Spring-style duration such as {@code 10m} (default 10m). */
    public static final String WINDOW = "gourmetgram.stream-thread.replacement-window";

    public static final int DEFAULT_MAX_REPLACEMENTS = 5;
    public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(10);

    /**
     * Faults that belong to the broker connection, the producer's transaction or task ownership: a new
     * thread starts a new producer and rejoins the group, so they do not recur deterministically.
     * Kafka Streams wraps them in a StreamsException, so the whole cause chain is searched.
     */
    private static final List<Class<? extends Throwable>> TRANSIENT = List.of(
            RetriableException.class, // broker timeouts, leader changes, disconnects, coordinator moves
            InvalidTxnStateException.class,
            ProducerFencedException.class,
            InvalidProducerEpochException.class,
            InvalidPidMappingException.class,
            UnknownProducerIdException.class,
            OutOfOrderSequenceException.class,
            TransactionAbortedException.class,
            TransactionAbortableException.class,
            TaskMigratedException.class,
            TaskCorruptedException.class,
            LockException.class);

    /** What to do with a failed thread, and the sentence that says why. */
    public record Decision(boolean replace, String reason) {}

    /** One replacement, kept while it is within the window (health details). */
    public record Replacement(Instant at, String thread, String cause) {}

    private final int maxReplacements;
    private final Duration window;
    private final Clock clock;
    private final Deque<Replacement> recent = new ArrayDeque<>();
    private final AtomicLong total = new AtomicLong();

    public StreamThreadReplacements(int maxReplacements, Duration window, Clock clock) {
        if (maxReplacements < 0) {
            throw new IllegalArgumentException(MAX_REPLACEMENTS + " must be 0 or more, was " + maxReplacements);
        }
        if (window == null || window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException(WINDOW + " must be a positive duration such as 10m, was " + window);
        }
        this.maxReplacements = maxReplacements;
        this.window = window;
        this.clock = clock;
    }

    /** The bound configured in a Streams configuration ({@link #MAX_REPLACEMENTS}, {@link #WINDOW}), or the defaults. */
    public static StreamThreadReplacements from(Properties streamsConfig, Clock clock) {
        Object max = streamsConfig.get(MAX_REPLACEMENTS);
        Object window = streamsConfig.get(WINDOW);
        int maxReplacements;
        try {
            maxReplacements = max == null
                    ? DEFAULT_MAX_REPLACEMENTS
                    : Integer.parseInt(max.toString().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    MAX_REPLACEMENTS + " (<STAGE>_STREAM_THREAD_MAX_REPLACEMENTS) must be a whole number, was '" + max
                            + "'",
                    e);
        }
        return new StreamThreadReplacements(
                maxReplacements, window == null ? DEFAULT_WINDOW : duration(window.toString()), clock);
    }

    private static Duration duration(String text) {
        String value = text.trim();
        try {
            if (value.startsWith("P") || value.startsWith("p")) {
                return Duration.parse(value);
            }
            if (value.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)));
            }
            long amount = Long.parseLong(value.substring(0, value.length() - 1));
            return switch (value.charAt(value.length() - 1)) {
                case 's' -> Duration.ofSeconds(amount);
                case 'm' -> Duration.ofMinutes(amount);
                case 'h' -> Duration.ofHours(amount);
                default -> throw new IllegalArgumentException("unknown unit");
            };
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    WINDOW + " (<STAGE>_STREAM_THREAD_REPLACEMENT_WINDOW) must be a duration such as 10m or 30s, was '"
                            + text + "'",
                    e);
        }
    }

    /** Decides for a thread that died with {@code error}; a replacement is counted when it is granted. */
    public synchronized Decision decide(String thread, Throwable error) {
        String cause = describe(error);
        if (!transientFault(error)) {
            return new Decision(false, "stream thread " + thread + " failed: " + cause);
        }
        Instant now = clock.instant();
        prune(now);
        if (recent.size() >= maxReplacements) {
            return new Decision(
                    false,
                    "replaced the stream thread " + recent.size() + " times in " + words(window) + "; last error: "
                            + cause);
        }
        recent.addLast(new Replacement(now, thread, cause));
        total.incrementAndGet();
        return new Decision(
                true,
                "replacing stream thread " + thread + " (" + recent.size() + " of " + maxReplacements + " in "
                        + words(window) + ") after: " + cause);
    }

    /** Replacements within the window, oldest first. */
    public synchronized List<Replacement> recent() {
        prune(clock.instant());
        return List.copyOf(recent);
    }

    /** Replacements granted since start (the metric). */
    public long total() {
        return total.get();
    }

    /** True when a fresh stream thread can get past this error: a known transient fault and no {@link Error}. */
    public static boolean transientFault(Throwable error) {
        boolean known = false;
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<Throwable, Boolean>());
        for (Throwable t = error; t != null && seen.add(t); t = t.getCause()) {
            if (t instanceof Error) {
                return false; // OutOfMemoryError, StackOverflowError, a linkage error: a new thread repeats it
            }
            Throwable current = t;
            known |= TRANSIENT.stream().anyMatch(type -> type.isInstance(current));
        }
        return known;
    }

    /** The error and its causes on one line: Streams wraps the fault an operator needs to see. */
    static String describe(Throwable error) {
        StringBuilder text = new StringBuilder(error.toString());
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<Throwable, Boolean>());
        seen.add(error);
        for (Throwable t = error.getCause(); t != null && seen.add(t); t = t.getCause()) {
            text.append("; caused by ").append(t);
        }
        return text.toString();
    }

    private void prune(Instant now) {
        Instant oldest = now.minus(window);
        while (!recent.isEmpty() && !recent.peekFirst().at().isAfter(oldest)) {
            recent.removeFirst();
        }
    }

    static String words(Duration d) {
        if (d.toSeconds() % 60 == 0 && d.toNanosPart() == 0) {
            return d.toMinutes() + " min";
        }
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    /** For health details: when, which thread, why. */
    public Map<String, Object> details() {
        List<Replacement> r = recent();
        return Map.of(
                "count",
                r.size(),
                "window",
                words(window),
                "recent",
                r.stream()
                        .map(x -> Map.of("at", x.at().toString(), "thread", x.thread(), "cause", x.cause()))
                        .toList());
    }
}
