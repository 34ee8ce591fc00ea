package io.gourmetgram.loop.inference.pipeline;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/** Failed tries per record (partition + offset) that count towards its cap; forgotten once committed. */
final class RecordAttempts {

    private record Position(TopicPartition partition, long offset) {}

    private final Map<Position, Integer> failures = new HashMap<>();

    /** Counts one more failure and returns how many there have been. */
    int failed(ConsumerRecord<?, ?> record) {
        return failures.merge(position(record), 1, Integer::sum);
    }

    void forget(Iterable<? extends ConsumerRecord<?, ?>> records) {
        if (!failures.isEmpty()) {
            for (ConsumerRecord<?, ?> r : records) {
                failures.remove(position(r));
            }
        }
    }

    private static Position position(ConsumerRecord<?, ?> r) {
        return new Position(new TopicPartition(r.topic(), r.partition()), r.offset());
    }
}
