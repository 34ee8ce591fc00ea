package io.gourmetgram.loop.support.streams;

import io.gourmetgram.loop.events.topics.TopicSpec;
import io.gourmetgram.loop.support.kafka.UploadKeys;
import java.util.function.Function;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;

/**
 * A processor placed right after a source of a per-upload topic: passes on records whose key is the
 * upload id their body names, and throws for the others, so the Streams error policy dead-letters
 * them instead of joining them with the wrong upload. Null keys and values pass (the processors
 * behind already skip them).
 */
public final class UploadKeyCheck<V> implements Processor<String, V, String, V> {

    private final String topic;
    private final Function<V, String> uploadIdOf;
    private ProcessorContext<String, V> context;

    private UploadKeyCheck(String topic, Function<V, String> uploadIdOf) {
        this.topic = topic;
        this.uploadIdOf = uploadIdOf;
    }

    /** Adds after a source of {@code topic}: {@code topology.addProcessor(name, UploadKeyCheck.of(...), source)}. */
    public static <V> ProcessorSupplier<String, V, String, V> of(TopicSpec<V> topic, Function<V, String> uploadIdOf) {
        return () -> new UploadKeyCheck<>(topic.name(), uploadIdOf);
    }

    /** For the DSL: {@code stream.peek(UploadKeyCheck.peek(topic, Prediction::uploadId))}. */
    public static <V> org.apache.kafka.streams.kstream.ForeachAction<String, V> peek(TopicSpec<V> topic,
                                                                                   Function<V, String> uploadIdOf) {
        return (key, value) -> {
            if (key != null && value != null) {
                UploadKeys.requireMatch(topic.name(), key, uploadIdOf.apply(value));
            }
        };
    }

    @Override
    public void init(ProcessorContext<String, V> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, V> record) {
        if (record.key() != null && record.value() != null) {
            UploadKeys.requireMatch(topic, record.key(), uploadIdOf.apply(record.value()));
        }
        context.forward(record);
    }
}
