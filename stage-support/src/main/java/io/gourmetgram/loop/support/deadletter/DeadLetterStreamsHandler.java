package io.gourmetgram.loop.support.deadletter;

import io.gourmetgram.loop.events.DeadLetter;
import io.gourmetgram.loop.events.topics.TopicSpec;
import java.time.Clock;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Kafka Streams' hook for {@link StreamsErrorPolicy}: dead-letters records that fail to deserialize
 * or to process, then lets the stream continue. Configured through {@link StreamsErrorPolicy#apply}.
 *
 * <p>Kafka Streams 4.1 has no built-in dead-letter queue, so this handler writes with an idempotent
 * producer and waits for the acknowledgement; if that write fails the handler answers FAIL, and the
 * record is reprocessed after restart instead of being skipped. Kafka Streams makes a handler per
 * task (again at every rebalance), so the producer is not made here: the application's one producer
 * arrives in the config ({@link StreamsErrorPolicy#DEAD_LETTER_PRODUCER}) and is closed with the app.
 */
public class DeadLetterStreamsHandler implements DeserializationExceptionHandler, ProcessingExceptionHandler {

    private DeadLetterPublisher publisher;

    @Override
    @SuppressWarnings("unchecked")
    public void configure(Map<String, ?> configs) {
        String stage = StreamsErrorPolicy.required(configs, StreamsErrorPolicy.STAGE);
        String topic = StreamsErrorPolicy.required(configs, StreamsErrorPolicy.DEAD_LETTER_TOPIC);
        if (!(configs.get(StreamsErrorPolicy.DEAD_LETTER_PRODUCER) instanceof Producer<?, ?> p)) {
            throw new IllegalStateException("Streams config lacks the dead-letter producer '"
                    + StreamsErrorPolicy.DEAD_LETTER_PRODUCER + "': start the stage with StreamsStage.start(...)"
                    + " or, in tests, build the config with StreamsErrorPolicy.apply(config, stage, topic, producer)");
        }
        Producer<byte[], byte[]> producer = (Producer<byte[], byte[]>) p;
        TopicSpec<DeadLetter> spec = new TopicSpec<>(topic, "the original record's key", DeadLetter.class, 1, Map.of());
        publisher = new DeadLetterPublisher(stage, spec, producer, Clock.systemUTC());
    }

    @Override
    public DeserializationHandlerResponse handle(
            ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
        try {
            publisher.publish(record, exception);
            return DeserializationHandlerResponse.CONTINUE;
        } catch (RuntimeException e) {
            return DeserializationHandlerResponse.FAIL;
        }
    }

    @Override
    public ProcessingHandlerResponse handle(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        try {
            // The raw source bytes, not the in-flight record: they are what a replay needs.
            publisher.publish(
                    context.topic(),
                    context.partition(),
                    context.offset(),
                    context.sourceRawKey(),
                    context.sourceRawValue(),
                    null,
                    exception);
            return ProcessingHandlerResponse.CONTINUE;
        } catch (RuntimeException e) {
            return ProcessingHandlerResponse.FAIL;
        }
    }
}
