package io.gourmetgram.loop.ingest;

import io.gourmetgram.loop.events.topics.TopicSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Reads and writes topics on a real broker, the way another stage would. */
public final class BrokerTopics {

    private final Map<String, Object> clientSettings;

    public BrokerTopics(String bootstrapServers) {
        this(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    }

    /** @param clientSettings bootstrap servers and, for a secured broker, its security settings */
    public BrokerTopics(Map<String, Object> clientSettings) {
        this.clientSettings = Map.copyOf(clientSettings);
    }

    private Map<String, Object> with(Map<String, Object> settings) {
        Map<String, Object> config = new HashMap<>(clientSettings);
        config.putAll(settings);
        return config;
    }

    /**
     * Every record now on the topic. Acknowledged writes are in the log, so this is exact right after
     * a 202 without any waiting.
     */
    public List<ConsumerRecord<String, byte[]>> all(TopicSpec<?> topic) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(with(Map.of(
                ConsumerConfig.CLIENT_ID_CONFIG, "test-reader-" + UUID.randomUUID(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class)))) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic.name()).stream()
                    .map(p -> new TopicPartition(topic.name(), p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        }
    }

    public <V> List<V> values(TopicSpec<V> topic, String key) {
        return all(topic).stream()
                .filter(r -> key.equals(r.key()))
                .map(r -> topic.valueSerde().deserialize(topic.name(), r.value()))
                .toList();
    }

    public <V> void publish(TopicSpec<V> topic, String key, V value) {
        publishRaw(topic.name(), key, topic.valueSerde().serialize(topic.name(), value));
    }

    public void publishRaw(String topic, String key, byte[] value) {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(with(Map.of(
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class)))) {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        } catch (Exception e) {
            throw new IllegalStateException("Could not publish to " + topic, e);
        }
    }
}
