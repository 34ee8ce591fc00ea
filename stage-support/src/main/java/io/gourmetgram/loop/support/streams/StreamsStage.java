package io.gourmetgram.loop.support.streams;

import io.gourmetgram.loop.events.DeadLetter;
import io.gourmetgram.loop.events.topics.TopicSpec;
import io.gourmetgram.loop.support.deadletter.StreamsErrorPolicy;
import io.gourmetgram.loop.support.topics.TopicLayout;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.QueryableStoreType;
import org.springframework.boot.health.contributor.Health;

/**
 * How every Kafka Streams stage runs, written once: exactly_once_v2, its state directory, the
 * replication of its internal topics and {@code acks=all} ({@link TopicLayout}), the
 * dead-letter error policy with one dead-letter producer for the whole application, the
 * uncaught-exception policy, and what "healthy" means ({@link StreamsProgress}).
 */
public final class StreamsStage implements AutoCloseable {

    private final KafkaStreams streams;
    private final Producer<byte[], byte[]> deadLetterProducer;
    private final StreamsProgress progress;

    private StreamsStage(KafkaStreams streams, Producer<byte[], byte[]> deadLetterProducer, StreamsProgress progress) {
        this.streams = streams;
        this.deadLetterProducer = deadLetterProducer;
        this.progress = progress;
    }

    /**
     * The production configuration of a Streams stage. Tests run their topologies with it too
     * ({@code StreamsErrorPolicy.apply(config, ..., producer)} then swaps in their own dead-letter producer).
     *
     * @param clientSettings connection and security settings shared with every Kafka client of the stage
     *                       (bootstrap servers, security protocol, SASL/SSL); may be empty
     * @param tuning         extra settings of this stage (e.g. commit interval); may be empty
     */
    public static Properties config(
            String applicationId,
            Map<String, ?> clientSettings,
            String stateDir,
            TopicSpec<DeadLetter> deadLetters,
            Properties tuning) {
        Properties config = new Properties();
        config.putAll(clientSettings);
        // Internal topics replicated like the catalog's; producers wait for every in-sync replica.
        config.putAll(TopicLayout.fromEnvironment().streamsSettings());
        config.putAll(StreamsThroughput.settings());
        config.putAll(tuning);
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir);
        StreamsErrorPolicy.apply(config, applicationId, deadLetters);
        return config;
    }

    /**
     * Starts a topology with {@link #config}.
     *
     * @param stallTimeout how long a stream thread may go without polling, or without processing
     *                     while input waits, before health says DOWN
     */
    public static StreamsStage start(
            Topology topology,
            String applicationId,
            Map<String, ?> clientSettings,
            String stateDir,
            TopicSpec<DeadLetter> deadLetters,
            Properties tuning,
            Duration stallTimeout) {
        Properties config = config(applicationId, clientSettings, stateDir, deadLetters, tuning);
        // One dead-letter producer for the application, shared by every task's handler and closed with it.
        Producer<byte[], byte[]> deadLetterProducer = deadLetterProducer(config, applicationId);
        config.put(StreamsErrorPolicy.DEAD_LETTER_PRODUCER, deadLetterProducer);
        try {
            KafkaStreams streams = new KafkaStreams(topology, config);
            StreamsProgress progress = new StreamsProgress(streams, stallTimeout, Clock.systemUTC());
            StreamsErrorPolicy.install(streams, applicationId, progress::threadFailed);
            streams.start();
            return new StreamsStage(streams, deadLetterProducer, progress);
        } catch (RuntimeException e) {
            deadLetterProducer.close(Duration.ZERO);
            throw e;
        }
    }

    /** A stage's tuning that only sets how often it commits (and so how soon its output is visible). */
    public static Properties committingEvery(Duration interval) {
        Properties tuning = new Properties();
        tuning.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, Math.toIntExact(interval.toMillis()));
        return tuning;
    }

    /** An idempotent producer with the same connection and security settings as the Streams clients. */
    static Producer<byte[], byte[]> deadLetterProducer(Properties streamsConfig, String applicationId) {
        Map<String, Object> props = new HashMap<>();
        for (String name : ProducerConfig.configNames()) {
            if (streamsConfig.containsKey(name)) {
                props.put(name, streamsConfig.get(name));
            }
        }
        props.put(ProducerConfig.CLIENT_ID_CONFIG, applicationId + "-dead-letters");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    public KafkaStreams streams() {
        return streams;
    }

    /** UP while the client runs and every stream thread makes progress; DOWN with the reason otherwise. */
    public Health health() {
        return progress.health();
    }

    /** A local state store for interactive queries; fails with a sentence while the stage is not running. */
    public <T> T store(String name, QueryableStoreType<T> type) {
        if (streams.state() != KafkaStreams.State.RUNNING) {
            throw new IllegalStateException("the stream is not running yet (state " + streams.state() + ")");
        }
        return streams.store(StoreQueryParameters.fromNameAndType(name, type));
    }

    @Override
    public void close() {
        try {
            streams.close(Duration.ofSeconds(30));
        } finally {
            deadLetterProducer.close(Duration.ofSeconds(10));
        }
    }
}
