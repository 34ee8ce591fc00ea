package io.gourmetgram.loop.accuracy.topology;

import static io.gourmetgram.loop.accuracy.topology.AccuracyFixtures.annotation;
import static io.gourmetgram.loop.accuracy.topology.AccuracyFixtures.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.gourmetgram.loop.accuracy.app.AccuracyStreams;
import io.gourmetgram.loop.events.AccuracyWindow;
import io.gourmetgram.loop.events.AnnotationAction;
import io.gourmetgram.loop.events.ReviewReason;
import io.gourmetgram.loop.events.topics.KeyPartitioning;
import io.gourmetgram.loop.events.topics.Topics;
import io.gourmetgram.loop.support.streams.UploadKeyCheck;
import io.gourmetgram.loop.support.testing.TopologyHarness;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.stream.IntStream;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An annotation written by a producer that does not partition keys with murmur2 (kcat's default)
 * lands where its request is not: it is dead-lettered with the fix, not silently left uncounted. The
 * driver's partition 0 stands for a 3-partition topic.
 */
class MisroutedRecordsTest {

    private static final Instant HOUR = Instant.parse("2026-11-24T10:00:00Z");

    private TopologyHarness harness;

    @BeforeEach
    void start() {
        AccuracySettings settings = new AccuracySettings(
                Duration.ofHours(1), Duration.ofHours(24), Duration.ofHours(1), Duration.ofDays(2), false, 0.6, 3);
        Properties tuning = AccuracyStreams.tuning();
        tuning.put(UploadKeyCheck.PARTITIONS + Topics.PREDICTIONS.name(), 3);
        tuning.put(UploadKeyCheck.PARTITIONS + Topics.FEEDBACK.name(), 3);
        tuning.put(UploadKeyCheck.PARTITIONS + Topics.LABELING_REQUESTS.name(), 3);
        tuning.put(UploadKeyCheck.PARTITIONS + Topics.ANNOTATIONS.name(), 3);
        harness = TopologyHarness.start(
                AccuracyTopology.build(settings, Clock.systemUTC()),
                "accuracy-streams",
                Topics.ACCURACY_DEAD_LETTER,
                tuning,
                HOUR);
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    @Test
    void anAnnotationOnAnotherPartitionThanItsKeysIsDeadLetteredAndTheRestIsCounted() {
        String placed = onPartition(0);
        String misplaced = onPartition(2);
        TestOutputTopic<String, AccuracyWindow> tumbling = harness.output(Topics.ACCURACY_TUMBLING);

        harness.input(Topics.LABELING_REQUESTS)
                .pipeInput(
                        placed, request(placed, HOUR.plusSeconds(60), "Rice", 1.0, null, ReviewReason.LOW_CONFIDENCE));
        harness.input(Topics.ANNOTATIONS)
                .pipeInput(misplaced, annotation(misplaced, 1, "Rice", AnnotationAction.CREATED, HOUR.plusSeconds(90)));
        harness.input(Topics.ANNOTATIONS)
                .pipeInput(placed, annotation(placed, 2, "Rice", AnnotationAction.CREATED, HOUR.plusSeconds(120)));

        assertThat(tumbling.readValuesToList().getLast().labelled()).isEqualTo(1);
        assertThat(harness.deadLetters()).singleElement().satisfies(letter -> {
            assertThat(letter.key()).isEqualTo(misplaced);
            assertThat(letter.errorMessage()).contains("belongs on partition 2 of 3");
        });
    }

    private static String onPartition(int partition) {
        return IntStream.iterate(0, i -> i + 1)
                .mapToObj(i -> "upload-" + i)
                .filter(id -> KeyPartitioning.partitionOf(id, 3) == partition)
                .findFirst()
                .orElseThrow();
    }
}
