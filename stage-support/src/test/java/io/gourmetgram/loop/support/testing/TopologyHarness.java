package io.gourmetgram.loop.support.testing;

import io.gourmetgram.loop.events.DeadLetter;
import io.gourmetgram.loop.events.topics.TopicSpec;
import io.gourmetgram.loop.support.deadletter.StreamsErrorPolicy;
import io.gourmetgram.loop.support.streams.StreamsStage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * Runs a stage's topology in {@link TopologyTestDriver} with the production Streams configuration
 * ({@link StreamsStage#config}: exactly_once_v2, the dead-letter policy, the stage's tuning), its
 * dead letters caught by a {@link MockProducer} and its state in a temporary directory. Topics are
 * opened by their catalog entry, so keys are strings and values go through the contract's serde.
 */
public final class TopologyHarness implements AutoCloseable {

    private final TopologyTestDriver driver;
    private final MockProducer<byte[], byte[]> deadLetters;
    private final TopicSpec<DeadLetter> deadLetterTopic;
    private final Path stateDir;
    private final Instant start;

    private TopologyHarness(
            TopologyTestDriver driver,
            MockProducer<byte[], byte[]> deadLetters,
            TopicSpec<DeadLetter> deadLetterTopic,
            Path stateDir,
            Instant start) {
        this.driver = driver;
        this.deadLetters = deadLetters;
        this.deadLetterTopic = deadLetterTopic;
        this.stateDir = stateDir;
        this.start = start;
    }

    /**
     * @param tuning the stage's own Streams settings (the same {@code Properties} its application passes)
     * @param start  wall-clock and first record time of the driver
     */
    public static TopologyHarness start(
            Topology topology,
            String applicationId,
            TopicSpec<DeadLetter> deadLetters,
            Properties tuning,
            Instant start) {
        Path stateDir;
        try {
            stateDir = Files.createTempDirectory("topology-harness-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Properties config = StreamsStage.config(
                applicationId,
                Map.of(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092"),
                stateDir.toString(),
                deadLetters,
                tuning);
        MockProducer<byte[], byte[]> producer =
                new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        StreamsErrorPolicy.apply(config, applicationId, deadLetters, producer);
        return new TopologyHarness(
                new TopologyTestDriver(topology, config, start), producer, deadLetters, stateDir, start);
    }

    public static TopologyHarness start(Topology topology, String applicationId, TopicSpec<DeadLetter> deadLetters) {
        return start(topology, applicationId, deadLetters, new Properties(), Instant.parse("2026-11-24T10:00:00Z"));
    }

    /** Records on {@code topic}, one second apart from the harness's start time. */
    public <V> TestInputTopic<String, V> input(TopicSpec<V> topic) {
        return driver.createInputTopic(
                topic.name(), new StringSerializer(), topic.valueSerde().serializer(), start, Duration.ofSeconds(1));
    }

    /** Raw bytes on {@code topic}: for records the contract's serde would not write (corrupt, foreign). */
    public TestInputTopic<String, byte[]> rawInput(TopicSpec<?> topic) {
        return driver.createInputTopic(
                topic.name(), new StringSerializer(), new ByteArraySerializer(), start, Duration.ofSeconds(1));
    }

    public <V> TestOutputTopic<String, V> output(TopicSpec<V> topic) {
        return driver.createOutputTopic(
                topic.name(), Serdes.String().deserializer(), topic.valueSerde().deserializer());
    }

    /** Dead letters written so far, oldest first. */
    public List<DeadLetter> deadLetters() {
        return deadLetters.history().stream()
                .map(r -> deadLetterTopic.valueSerde().deserialize(r.topic(), r.value()))
                .toList();
    }

    public TopologyTestDriver driver() {
        return driver;
    }

    @Override
    public void close() {
        driver.close();
        try (Stream<Path> files = Files.walk(stateDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind is harmless
        }
    }
}
