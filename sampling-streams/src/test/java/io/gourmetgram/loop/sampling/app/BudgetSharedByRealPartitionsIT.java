package io.gourmetgram.loop.sampling.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.gourmetgram.loop.events.LabelingRequest;
import io.gourmetgram.loop.events.RequestState;
import io.gourmetgram.loop.events.testing.TestEvents;
import io.gourmetgram.loop.events.topics.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;

/**
 * On a cluster whose input topics have 6 partitions (not the catalog's 3), the hourly cap is shared
 * by the 6 tasks the stage really runs: a random-sample cap of 6 admits 6 requests in the hour, not 12.
 */
@SpringBootTest(
        properties = {
            "server.port=0",
            "gourmetgram.sampling.random-rate=1.0",
            "gourmetgram.sampling.budget-per-hour.random=6",
            "gourmetgram.sampling.state-dir=${java.io.tmpdir}/sampling-budget-it-${random.uuid}"
        })
@EmbeddedKafka(
        partitions = 6,
        topics = {"predictions", "feedback"},
        bootstrapServersProperty = "spring.kafka.bootstrap-servers",
        brokerProperties = {"transaction.state.log.replication.factor=1", "transaction.state.log.min.isr=1"})
class BudgetSharedByRealPartitionsIT {

    private static final int PARTITIONS = 6;
    private static final int PER_PARTITION = 3;

    @Autowired
    private EmbeddedKafkaBroker broker;

    @Autowired
    private MeterRegistry registry;

    @Test
    void theHourlyCapHoldsAcrossTheRealNumberOfTasks() throws Exception {
        long inOneHour =
                Instant.now().truncatedTo(ChronoUnit.HOURS).plusSeconds(60).toEpochMilli();
        List<String> uploads = uploadsSpreadOver(PARTITIONS, PER_PARTITION);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", broker.getBrokersAsString()),
                new StringSerializer(),
                new ByteArraySerializer())) {
            for (String id : uploads) {
                byte[] value = Topics.PREDICTIONS
                        .valueSerde()
                        .serialize(
                                Topics.PREDICTIONS.name(),
                                TestEvents.prediction(id)
                                        .confidence(0.95)
                                        .scoredAt(Instant.ofEpochMilli(inOneHour))
                                        .build());
                producer.send(new ProducerRecord<>(Topics.PREDICTIONS.name(), null, inOneHour, id, value))
                        .get();
            }
        }

        Map<String, LabelingRequest> requests = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        broker.getBrokersAsString(),
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "budget-it",
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest",
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        "read_committed"),
                new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(Topics.LABELING_REQUESTS.name()));
            Awaitility.await().atMost(Duration.ofSeconds(90)).until(() -> {
                consumer.poll(Duration.ofMillis(300))
                        .forEach(r -> requests.put(
                                r.key(), Topics.LABELING_REQUESTS.valueSerde().deserialize(r.topic(), r.value())));
                return requests.size() >= uploads.size();
            });
        }

        assertThat(requests.values())
                .filteredOn(r -> r.state() == RequestState.OPEN)
                .hasSize(PARTITIONS);
        assertThat(requests.values())
                .filteredOn(r -> r.state() == RequestState.SKIPPED_BUDGET)
                .hasSize(uploads.size() - PARTITIONS);
        assertThat(registry.get("gourmetgram.sampling.budget.partitions")
                        .gauge()
                        .value())
                .isEqualTo(PARTITIONS);
    }

    /** Upload ids that the default partitioner (murmur2, like every Java producer) spreads evenly. */
    private static List<String> uploadsSpreadOver(int partitions, int each) {
        int[] counts = new int[partitions];
        List<String> ids = new ArrayList<>();
        while (ids.size() < partitions * each) {
            String id = UUID.randomUUID().toString();
            int partition = Utils.toPositive(Utils.murmur2(id.getBytes(StandardCharsets.UTF_8))) % partitions;
            if (counts[partition] < each) {
                counts[partition]++;
                ids.add(id);
            }
        }
        return ids;
    }
}
