package io.gourmetgram.loop.support.deadletter;

import io.gourmetgram.loop.events.DeadLetter;
import io.gourmetgram.loop.events.topics.TopicSpec;
import java.util.Map;
import java.util.Properties;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The error policy of every Kafka Streams stage, written once:
 * <ul>
 *   <li>a record that cannot be deserialized, or whose processing throws, goes to the stage's
 *       dead-letter topic with the reason, and the stream continues;</li>
 *   <li>a stream thread that dies of a transient fault (transaction state, fencing, broker timeout,
 *       task corruption) is replaced, a bounded number of times per window
 *       ({@link StreamThreadReplacements});</li>
 *   <li>anything else that escapes a stream thread (an Error, a deterministic StreamsException), or
 *       one replacement too many, shuts the client down loudly, so the health check fails with the
 *       reason and the orchestrator restarts it, rather than the app limping on with fewer threads.</li>
 * </ul>
 */
public final class StreamsErrorPolicy {

    /** Config key: the stage name written into dead letters. */
    public static final String STAGE = "gourmetgram.stage";
    /** Config key: the dead-letter topic name. */
    public static final String DEAD_LETTER_TOPIC = "gourmetgram.dead-letter.topic";
    /**
     * Config key: the application's one {@code Producer<byte[], byte[]>} that writes dead letters
     * (set by {@code StreamsStage.start}; tests pass their own through {@link #apply(Properties, String, TopicSpec, Producer)}).
     */
    public static final String DEAD_LETTER_PRODUCER = "gourmetgram.dead-letter.producer";

    private static final Logger log = LoggerFactory.getLogger(StreamsErrorPolicy.class);

    private StreamsErrorPolicy() {}

    /** Adds the dead-letter handlers to a Streams configuration. */
    public static Properties apply(Properties streamsConfig, String stage, TopicSpec<DeadLetter> deadLetterTopic) {
        streamsConfig.put(STAGE, stage);
        streamsConfig.put(DEAD_LETTER_TOPIC, deadLetterTopic.name());
        streamsConfig.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterStreamsHandler.class);
        streamsConfig.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterStreamsHandler.class);
        return streamsConfig;
    }

    /** The same policy, writing dead letters through the given producer (the app's one, or a test's). */
    public static Properties apply(
            Properties streamsConfig,
            String stage,
            TopicSpec<DeadLetter> deadLetterTopic,
            Producer<byte[], byte[]> producer) {
        apply(streamsConfig, stage, deadLetterTopic);
        streamsConfig.put(DEAD_LETTER_PRODUCER, producer);
        return streamsConfig;
    }

    /**
     * Installs the uncaught-exception policy on a client before it starts: a thread that died of a
     * transient fault is replaced, within the bound of {@code replacements}; anything else, or one
     * replacement too many, shuts the client down.
     *
     * @param failed told why the client is being shut down, so health can say it
     */
    public static void install(
            KafkaStreams streams,
            String stage,
            StreamThreadReplacements replacements,
            BiConsumer<String, String> failed) {
        streams.setUncaughtExceptionHandler(error -> {
            String thread = Thread.currentThread().getName();
            StreamThreadReplacements.Decision decision = replacements.decide(thread, error);
            if (decision.replace()) {
                log.warn("{}: {}", stage, decision.reason(), error);
                return StreamThreadExceptionResponse.REPLACE_THREAD;
            }
            log.error("{}: {}; shutting this instance down so it can be restarted", stage, decision.reason(), error);
            failed.accept(thread, decision.reason());
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
    }

    static String required(Map<String, ?> configs, String key) {
        Object value = configs.get(key);
        if (value == null) {
            throw new IllegalStateException(
                    "Streams config lacks '" + key + "': build the config with StreamsErrorPolicy.apply(...)");
        }
        return value.toString();
    }
}
