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
 *   <li>anything else that escapes a stream thread (broker gone for good, a bug in state handling)
 *       shuts the client down loudly, so the health check fails and the orchestrator restarts it,
 *       rather than the app limping on with fewer threads.</li>
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
     * Installs the uncaught-exception policy on a client before it starts.
     *
     * @param failed told which thread failed and why, so health can say it
     */
    public static void install(KafkaStreams streams, String stage, BiConsumer<String, Throwable> failed) {
        streams.setUncaughtExceptionHandler(error -> {
            log.error(
                    "{} stream thread failed with an error the dead-letter policy cannot absorb; shutting this "
                            + "instance down so it can be restarted",
                    stage,
                    error);
            failed.accept(Thread.currentThread().getName(), error);
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
