package io.gourmetgram.loop.support.streams;

import io.gourmetgram.loop.events.topics.TopicSpec;
import io.gourmetgram.loop.support.kafka.UploadKeys;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorSupplier;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Placed right after a source of a per-upload topic: passes on records whose key is the upload id
 * their body names <em>and</em> that sit on the partition their key belongs on (the Java client's
 * murmur2, {@link io.gourmetgram.loop.events.topics.KeyPartitioning}); throws for the others, so the
 * Streams error policy dead-letters them instead of joining them with the wrong upload or, on the
 * wrong partition, with nothing (a task sees only its own partitions' state). Misrouted records are
 * also counted ({@code gourmetgram.records.misrouted}, tags application and topic) and logged.
 * Null keys and values pass (the processors behind already skip them).
 *
 * <p>The partition count of each topic comes from the Streams config entry
 * {@code gourmetgram.partitions.<topic>}, where {@link StreamsStageLifecycle} puts the broker's
 * actual counts. Without it (a TopologyTestDriver, which puts every record on partition 0) only the
 * key is checked.
 */
public final class UploadKeyCheck<V> {

    /** Streams config prefix: {@code gourmetgram.partitions.<topic>} = the topic's partition count. */
    public static final String PARTITIONS = "gourmetgram.partitions.";

    private static final Logger log = LoggerFactory.getLogger(UploadKeyCheck.class);

    private final TopicSpec<V> topic;
    private final Function<V, String> uploadIdOf;
    private int partitions; // 0 = unknown: not checked
    private Counter misrouted;

    private UploadKeyCheck(TopicSpec<V> topic, Function<V, String> uploadIdOf) {
        this.topic = topic;
        this.uploadIdOf = uploadIdOf;
    }

    /** For the Processor API: {@code topology.addProcessor(name, UploadKeyCheck.of(...), source)}. */
    public static <V> ProcessorSupplier<String, V, String, V> of(TopicSpec<V> topic, Function<V, String> uploadIdOf) {
        return () -> new Processor<>() {
            private final UploadKeyCheck<V> check = new UploadKeyCheck<>(topic, uploadIdOf);
            private ProcessorContext<String, V> context;

            @Override
            public void init(ProcessorContext<String, V> context) {
                this.context = context;
                check.init(context.appConfigs());
            }

            @Override
            public void process(Record<String, V> record) {
                check.check(record.key(), record.value(), context.recordMetadata());
                context.forward(record);
            }
        };
    }

    /** For the DSL: {@code stream.processValues(UploadKeyCheck.values(topic, Prediction::uploadId))}. */
    public static <V> FixedKeyProcessorSupplier<String, V, V> values(
            TopicSpec<V> topic, Function<V, String> uploadIdOf) {
        return () -> new FixedKeyProcessor<>() {
            private final UploadKeyCheck<V> check = new UploadKeyCheck<>(topic, uploadIdOf);
            private FixedKeyProcessorContext<String, V> context;

            @Override
            public void init(FixedKeyProcessorContext<String, V> context) {
                this.context = context;
                check.init(context.appConfigs());
            }

            @Override
            public void process(FixedKeyRecord<String, V> record) {
                check.check(record.key(), record.value(), context.recordMetadata());
                context.forward(record);
            }
        };
    }

    private void init(Map<String, Object> appConfigs) {
        Object configured = appConfigs.get(PARTITIONS + topic.name());
        partitions = configured == null ? 0 : Integer.parseInt(configured.toString());
        misrouted = Counter.builder("gourmetgram.records.misrouted")
                .description("Records on another partition than their key's (producer not partitioning with murmur2)")
                .tag("application", String.valueOf(appConfigs.get(StreamsConfig.APPLICATION_ID_CONFIG)))
                .tag("topic", topic.name())
                .register(Metrics.globalRegistry);
    }

    private void check(String key, V value, Optional<RecordMetadata> metadata) {
        if (key == null || value == null) {
            return;
        }
        UploadKeys.requireMatch(topic.name(), key, uploadIdOf.apply(value));
        if (partitions > 0 && metadata.isPresent()) {
            try {
                UploadKeys.requirePartition(topic.name(), key, metadata.get().partition(), partitions);
            } catch (UploadKeys.MisroutedRecordException e) {
                misrouted.increment();
                long seen = (long) misrouted.count();
                if (seen == 1
                        || Long.toString(seen).matches("10+")) { // the 1st, 10th, 100th, …: a flood stays readable
                    log.warn(
                            "{} ({} misrouted records on {} so far; each is dead-lettered)",
                            e.getMessage(),
                            seen,
                            topic.name());
                }
                throw e;
            }
        }
    }
}
