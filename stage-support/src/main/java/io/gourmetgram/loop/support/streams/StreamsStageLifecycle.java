package io.gourmetgram.loop.support.streams;

import io.gourmetgram.loop.events.DeadLetter;
import io.gourmetgram.loop.events.topics.TopicSpec;
import io.gourmetgram.loop.support.deadletter.StreamThreadReplacements;
import io.gourmetgram.loop.support.topics.TopicProvisioner;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.streams.Topology;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.SmartLifecycle;

/**
 * A Kafka Streams topology run with the Spring application: creates its catalog topics, starts it
 * through {@link StreamsStage} when the application starts, closes it when it stops, and reports its
 * health (DOWN with the reason when a thread died or stalled). A stage only says what it runs.
 */
public abstract class StreamsStageLifecycle implements SmartLifecycle, HealthIndicator {

    /**
     * What a Streams stage is.
     *
     * @param applicationId Kafka Streams application id (consumer group, internal topic prefix)
     * @param topics        catalog topics it reads or writes, created if missing (include the dead-letter topic)
     * @param tuning        extra Streams settings (e.g. commit interval); may be empty
     * @param stallTimeout  how long a thread may go without progress before health says DOWN
     */
    public record Definition(
            String applicationId,
            String stateDir,
            TopicSpec<DeadLetter> deadLetters,
            List<TopicSpec<?>> topics,
            Properties tuning,
            Duration stallTimeout) {}

    private final Definition definition;
    private final KafkaProperties kafka;
    private final MeterRegistry registry;
    private volatile StreamsStage stage;

    /** @param registry where the Streams client's metrics go; null for none */
    protected StreamsStageLifecycle(Definition definition, KafkaProperties kafka, MeterRegistry registry) {
        this.definition = definition;
        this.kafka = kafka;
        this.registry = registry;
    }

    /** The topology to run; called once per start. */
    protected abstract Topology topology();

    /** Runs after the topics exist and before the topology starts (e.g. to create buckets it writes to). */
    protected void prepare() {}

    @Override
    public void start() {
        TopicProvisioner.ensure(kafka.buildAdminProperties(), definition.topics());
        // Keys are checked against the partition counts the topics really have (UploadKeyCheck).
        Properties tuning = new Properties();
        tuning.putAll(definition.tuning());
        TopicProvisioner.partitionCounts(kafka.buildAdminProperties(), definition.topics())
                .forEach((topic, partitions) -> tuning.put(UploadKeyCheck.PARTITIONS + topic, partitions));
        prepare();
        StreamsStage started = StreamsStage.start(
                topology(),
                definition.applicationId(),
                kafka.buildStreamsProperties(),
                definition.stateDir(),
                definition.deadLetters(),
                tuning,
                definition.stallTimeout());
        if (registry != null) {
            new KafkaStreamsMetrics(started.streams()).bindTo(registry);
            // One name for every Streams stage; the application tag says which (Prometheus adds `stage` itself).
            FunctionCounter.builder(
                            "gourmetgram.streams.thread.replacements",
                            started.threadReplacements(),
                            StreamThreadReplacements::total)
                    .description("Stream threads replaced after a transient fault instead of shutting down")
                    .tag("application", definition.applicationId())
                    .register(registry);
        }
        stage = started;
    }

    /** The running stage (for interactive queries); fails with a sentence before start or after stop. */
    protected StreamsStage stage() {
        StreamsStage s = stage;
        if (s == null) {
            throw new IllegalStateException(definition.applicationId() + " is not started");
        }
        return s;
    }

    @Override
    public void stop() {
        StreamsStage s = stage;
        if (s != null) {
            stage = null;
            s.close();
        }
    }

    @Override
    public boolean isRunning() {
        return stage != null;
    }

    @Override
    public Health health() {
        StreamsStage s = stage;
        if (s == null) {
            return Health.down()
                    .withDetail("state", "not started")
                    .withDetail("reason", "not started")
                    .build();
        }
        return s.health();
    }
}
