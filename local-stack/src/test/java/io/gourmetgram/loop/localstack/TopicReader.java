package io.gourmetgram.loop.localstack;

import io.gourmetgram.loop.events.topics.TopicSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;

/** Reads a topic of the loop as a downstream consumer does: from the start, read_committed, in a fresh group. */
final class TopicReader {

    private final String bootstrapServers;

    TopicReader(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    /** Waits (up to 2 min) for {@code count} records, then 2 s more, so a duplicate would be among them. */
    <V> List<V> readUntil(TopicSpec<V> topic, int count) {
        List<V> values = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = consumer(topic)) {
            Awaitility.await().atMost(Duration.ofSeconds(120)).until(() -> {
                poll(consumer, topic, Duration.ofMillis(500), values);
                return values.size() >= count;
            });
            poll(consumer, topic, Duration.ofSeconds(2), values);
        }
        return values;
    }

    /** What the topic holds now (one poll of {@code quiet}, then a short one). */
    <V> List<V> readAll(TopicSpec<V> topic, Duration quiet) {
        List<V> values = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = consumer(topic)) {
            poll(consumer, topic, quiet, values);
            poll(consumer, topic, Duration.ofMillis(500), values);
        }
        return values;
    }

    private static <V> void poll(
            KafkaConsumer<String, byte[]> consumer, TopicSpec<V> topic, Duration timeout, List<V> into) {
        consumer.poll(timeout).forEach(r -> into.add(topic.valueSerde().deserialize(r.topic(), r.value())));
    }

    private KafkaConsumer<String, byte[]> consumer(TopicSpec<?> topic) {
        KafkaConsumer<String, byte[]> consumer = committedRecords(bootstrapServers);
        consumer.subscribe(List.of(topic.name()));
        return consumer;
    }

    /** A consumer in a fresh group that starts at the beginning and sees committed records only. */
    static KafkaConsumer<String, byte[]> committedRecords(String bootstrapServers) {
        return new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrapServers,
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "reader-" + UUID.randomUUID(),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest",
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        "read_committed"),
                new StringDeserializer(),
                new ByteArrayDeserializer());
    }
}
