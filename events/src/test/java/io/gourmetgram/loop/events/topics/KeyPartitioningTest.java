package io.gourmetgram.loop.events.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

class KeyPartitioningTest {

    @Test
    void aKeyBelongsWhereTheJavaProducerPutsIt() {
        IntStream.range(0, 2_000)
                .mapToObj(i -> UUID.nameUUIDFromBytes(("upload " + i).getBytes(StandardCharsets.UTF_8))
                        .toString())
                .forEach(key -> {
                    for (int partitions : new int[] {1, 3, 7}) {
                        assertThat(KeyPartitioning.partitionOf(key, partitions))
                                .as(key)
                                .isEqualTo(BuiltInPartitioner.partitionForKey(
                                        key.getBytes(StandardCharsets.UTF_8), partitions));
                    }
                });
    }

    @Test
    void aTopicHasAtLeastOnePartition() {
        assertThatThrownBy(() -> KeyPartitioning.partitionOf("u", 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
