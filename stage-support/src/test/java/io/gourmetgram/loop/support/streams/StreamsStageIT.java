package io.gourmetgram.loop.support.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gourmetgram.loop.events.topics.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * A Streams stage never fails silently: health turns DOWN, with the reason, when a stream thread dies
 * of an error the dead-letter policy cannot absorb, and when a thread is wedged in a call; a thread
 * killed by a transient fault is replaced and the stream carries on; an idle stage stays UP. Its dead letters are written by one producer for the whole application.
 */
class StreamsStageIT {

    private static final Duration STALL_TIMEOUT = Duration.ofSeconds(2);
    private static EmbeddedKafkaKraftBroker broker;

    @TempDir
    Path stateDir;

    @BeforeAll
    static void startBroker() {
        broker = new EmbeddedKafkaKraftBroker(1, 1);
        broker.brokerProperties(
                Map.of("transaction.state.log.replication.factor", "1", "transaction.state.log.min.isr", "1"));
        broker.afterPropertiesSet();
    }

    @AfterAll
    static void stopBroker() {
        broker.destroy();
    }

    @Test
    void aThreadKilledByAnErrorTurnsHealthDownWithTheReason() throws Exception {
        String in = topic();
        Topology topology = passThrough(in, value -> {
            if (value.equals("poison")) {
                throw new PoisonError("poison record broke an invariant");
            }
        });
        try (StreamsStage stage = start(topology)) {
            send(in, "ok");
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> stage.health().getStatus().equals(Status.UP));

            send(in, "poison");

            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                Health health = stage.health();
                assertThat(health.getStatus()).isEqualTo(Status.DOWN);
                assertThat(health.getDetails().get("reason").toString()).contains("poison record broke an invariant");
            });
        }
    }

    @Test
    void aThreadKilledByATransientFaultIsReplacedAndTheStreamCarriesOn() throws Exception {
        String in = topic();
        AtomicBoolean faultPending = new AtomicBoolean(true);
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(in, Consumed.with(Serdes.String(), Serdes.String()))
                .process(() -> new Processor<String, String, String, String>() {
                    private ProcessorContext<String, String> context;

                    @Override
                    public void init(ProcessorContext<String, String> context) {
                        // Like a commit that finds its transaction aborted under load: once, then fine.
                        if (faultPending.getAndSet(false)) {
                            throw new InvalidTxnStateException("transaction aborted by the coordinator");
                        }
                        this.context = context;
                    }

                    @Override
                    public void process(Record<String, String> record) {
                        context.forward(record);
                    }
                })
                .to(in + "-out", Produced.with(Serdes.String(), Serdes.String()));
        send(in, "after the fault");

        try (StreamsStage stage = start(builder.build());
                KafkaConsumer<String, String> out = new KafkaConsumer<>(
                        Map.of(
                                "bootstrap.servers",
                                broker.getBrokersAsString(),
                                "group.id",
                                "out-" + UUID.randomUUID(),
                                "auto.offset.reset",
                                "earliest",
                                "isolation.level",
                                "read_committed"),
                        new StringDeserializer(),
                        new StringDeserializer())) {
            out.subscribe(List.of(in + "-out"));
            List<String> received = new ArrayList<>();
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                out.poll(Duration.ofMillis(200)).forEach(r -> received.add(r.value()));
                assertThat(received).containsExactly("after the fault");
            });
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                Health health = stage.health();
                assertThat(health.getStatus()).isEqualTo(Status.UP);
                assertThat(health.getDetails().get("threadReplacements").toString())
                        .contains("transaction aborted by the coordinator");
            });
            assertThat(stage.threadReplacements().total()).isEqualTo(1);
        }
    }

    @Test
    void aThreadWedgedInACallTurnsHealthDownAfterTheStallTimeout() throws Exception {
        String in = topic();
        CountDownLatch release = new CountDownLatch(1);
        Topology topology = passThrough(in, value -> {
            if (value.equals("wedge")) {
                try {
                    release.await(); // a call that never returns, like a hung remote service
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        StreamsStage stage = start(topology);
        try {
            send(in, "ok");
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> stage.health().getStatus().equals(Status.UP));

            send(in, "wedge");

            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(250))
                    .untilAsserted(() -> {
                        Health health = stage.health();
                        assertThat(health.getStatus()).isEqualTo(Status.DOWN);
                        assertThat(health.getDetails().get("reason").toString()).contains("has not polled");
                    });
        } finally {
            release.countDown();
            stage.close();
        }
    }

    @Test
    void anIdleStageStaysUpLongerThanTheStallTimeout() throws Exception {
        String in = topic();
        try (StreamsStage stage = start(passThrough(in, value -> {}))) {
            send(in, "ok");
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> stage.health().getStatus().equals(Status.UP));

            await().during(STALL_TIMEOUT.multipliedBy(2))
                    .atMost(STALL_TIMEOUT.multipliedBy(4))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> stage.health().getStatus().equals(Status.UP));
        }
    }

    @Test
    void everyTaskSharesTheApplicationsOneDeadLetterProducerWhichClosesWithTheStage() throws Exception {
        String in = topic(3); // three partitions: three tasks, each with its own error handlers
        String applicationId = "dead-letter-it-" + UUID.randomUUID();
        StreamsStage stage = start(passThrough(in, value -> {}), applicationId);
        try {
            for (int partition = 0; partition < 3; partition++) {
                send(in, partition, "ok");
            }
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> stage.health().getStatus().equals(Status.UP)
                            && stage.streams().metadataForLocalThreads().stream()
                                            .mapToInt(t -> t.activeTasks().size())
                                            .sum()
                                    == 3);

            assertThat(deadLetterProducerThreads(applicationId)).isEqualTo(1);
        } finally {
            stage.close();
        }
        assertThat(deadLetterProducerThreads(applicationId))
                .as("closed with the stage")
                .isZero();
    }

    private static long deadLetterProducerThreads(String applicationId) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().endsWith(applicationId + "-dead-letters"))
                .count();
    }

    private StreamsStage start(Topology topology) throws Exception {
        return start(topology, "health-it-" + UUID.randomUUID());
    }

    private StreamsStage start(Topology topology, String applicationId) throws Exception {
        Properties tuning = new Properties();
        tuning.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        return StreamsStage.start(
                topology,
                applicationId,
                Map.of(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString()),
                Files.createDirectories(stateDir.resolve(UUID.randomUUID().toString()))
                        .toString(),
                Topics.SAMPLING_DEAD_LETTER,
                tuning,
                STALL_TIMEOUT);
    }

    private static Topology passThrough(String in, java.util.function.Consumer<String> onEach) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(in, Consumed.with(Serdes.String(), Serdes.String()))
                .peek((k, v) -> onEach.accept(v))
                .to(in + "-out", Produced.with(Serdes.String(), Serdes.String()));
        return builder.build();
    }

    private static String topic() throws Exception {
        return topic(1);
    }

    private static String topic(int partitions) throws Exception {
        String name = "in-" + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.getBrokersAsString()))) {
            admin.createTopics(List.of(
                            new NewTopic(name, partitions, (short) 1),
                            new NewTopic(name + "-out", partitions, (short) 1)))
                    .all()
                    .get();
        }
        return name;
    }

    private static void send(String topic, String value) throws Exception {
        send(topic, 0, value);
    }

    private static void send(String topic, int partition, String value) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", broker.getBrokersAsString()),
                new StringSerializer(),
                new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, partition, "k", value)).get();
        }
    }

    /** Not an Exception: the dead-letter policy only absorbs those. */
    static final class PoisonError extends Error {
        PoisonError(String message) {
            super(message);
        }
    }
}
