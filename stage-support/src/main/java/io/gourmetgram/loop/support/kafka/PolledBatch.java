package io.gourmetgram.loop.support.kafka;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** What a consumer that commits whole polls needs: where the batch ends, and how to read it again. */
public final class PolledBatch {

    private PolledBatch() {}

    /** The offsets to commit once every record of the batch is done: one past the last, per partition. */
    public static Map<TopicPartition, OffsetAndMetadata> nextOffsets(ConsumerRecords<?, ?> records) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition partition : records.partitions()) {
            offsets.put(
                    partition,
                    new OffsetAndMetadata(records.records(partition).getLast().offset() + 1));
        }
        return offsets;
    }

    /**
     * Seeks back to the batch's first record on every partition this consumer still owns, so the next
     * poll returns it again (a partition lost in a rebalance meanwhile is its new owner's to read).
     */
    public static void rewind(Consumer<?, ?> consumer, ConsumerRecords<?, ?> records) {
        Set<TopicPartition> assigned = consumer.assignment();
        for (TopicPartition partition : records.partitions()) {
            if (assigned.contains(partition)) {
                consumer.seek(partition, records.records(partition).getFirst().offset());
            }
        }
    }
}
