package io.gourmetgram.loop.events.streams;

import io.gourmetgram.loop.events.DeadLetter;
import io.gourmetgram.loop.events.errors.StreamsErrorPolicy;
import io.gourmetgram.loop.events.topics.TopicSpec;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.QueryableStoreType;

/**
 * How every Kafka Streams stage runs, written once: exactly_once_v2, its state directory, the
 * dead-letter error policy and the uncaught-exception policy, and what "healthy" means.
 */
public final class StreamsStage implements AutoCloseable {

    private final KafkaStreams streams;

    private StreamsStage(KafkaStreams streams) {
        this.streams = streams;
    }

    /**
     * @param applicationId Kafka Streams application id (consumer group, internal topic prefix)
     * @param tuning        extra settings (e.g. commit interval); may be empty
     */
    public static StreamsStage start(Topology topology, String applicationId, String bootstrapServers, String stateDir,
                                     TopicSpec<DeadLetter> deadLetters, Properties tuning) {
        Properties config = new Properties();
        config.putAll(tuning);
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir);
        StreamsErrorPolicy.apply(config, applicationId, deadLetters);
        KafkaStreams streams = new KafkaStreams(topology, config);
        StreamsErrorPolicy.install(streams, applicationId);
        streams.start();
        return new StreamsStage(streams);
    }

    public KafkaStreams streams() {
        return streams;
    }

    /** Running or rebalancing; anything else (erred, shutting down) is unhealthy. */
    public boolean healthy() {
        KafkaStreams.State state = streams.state();
        return state == KafkaStreams.State.RUNNING || state == KafkaStreams.State.REBALANCING;
    }

    public String state() {
        return streams.state().name();
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
        streams.close(Duration.ofSeconds(30));
    }
}
