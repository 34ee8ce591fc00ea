package io.gourmetgram.loop.accuracy.suites;

import io.gourmetgram.loop.accuracy.topology.UploadAnnotations;
import io.gourmetgram.loop.events.LabelingRequest;
import io.gourmetgram.loop.events.topics.TopicSpec;
import io.gourmetgram.loop.events.topics.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every upload humans have labelled, read afresh from {@code labeling-requests} (compacted: latest
 * revision) and {@code annotations} (kept forever) up to their current end. Replaying the log, rather
 * than asking a running instance's state, gives the same answer from any instance and from the
 * command line; an updated annotation replaces the earlier one and a deleted one removes the label,
 * exactly as in the accuracy figures ({@link UploadAnnotations}).
 */
public final class LabelledUploadReader {

    private static final Logger log = LoggerFactory.getLogger(LabelledUploadReader.class);

    private final String bootstrapServers;

    public LabelledUploadReader(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    public List<LabelledUpload> readAll() {
        Map<String, LabelingRequest> requests = new HashMap<>();
        Map<String, UploadAnnotations> annotations = new HashMap<>();
        replay(
                Topics.LABELING_REQUESTS,
                (id, request) -> requests.merge(
                        id, request, (known, next) -> next.revision() >= known.revision() ? next : known));
        replay(
                Topics.ANNOTATIONS,
                (id, annotation) -> annotations.merge(
                        id, UploadAnnotations.NONE.with(annotation), (known, next) -> known.with(annotation)));
        List<LabelledUpload> labelled = new ArrayList<>();
        requests.forEach((id, request) -> {
            UploadAnnotations standing = annotations.get(id);
            if (standing != null) {
                standing.standing()
                        .filter(a -> a.label() != null)
                        .ifPresent(a -> labelled.add(new LabelledUpload(request, a)));
            }
        });
        return labelled;
    }

    private <V> void replay(TopicSpec<V> topic, BiConsumer<String, V> apply) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.CLIENT_ID_CONFIG,
                "accuracy-suites-" + UUID.randomUUID(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class))) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic.name(), Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic.name(), p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.key() == null || record.value() == null) {
                        continue;
                    }
                    try {
                        apply.accept(record.key(), topic.valueSerde().deserialize(topic.name(), record.value()));
                    } catch (RuntimeException e) {
                        // the accuracy topology dead-letters such a record; a suite simply leaves it out
                        log.warn(
                                "Skipping unreadable {} record at partition {} offset {}: {}",
                                topic.name(),
                                record.partition(),
                                record.offset(),
                                e.getMessage());
                    }
                }
            }
        }
    }
}
