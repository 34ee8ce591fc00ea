package io.gourmetgram.loop.accuracy.topology;

import static io.gourmetgram.loop.accuracy.topology.AccuracyFixtures.annotation;
import static io.gourmetgram.loop.accuracy.topology.AccuracyFixtures.prediction;
import static io.gourmetgram.loop.accuracy.topology.AccuracyFixtures.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.gourmetgram.loop.events.AccuracyWindow;
import io.gourmetgram.loop.events.Annotation;
import io.gourmetgram.loop.events.AnnotationAction;
import io.gourmetgram.loop.events.LabelingRequest;
import io.gourmetgram.loop.events.Prediction;
import io.gourmetgram.loop.events.ReviewReason;
import io.gourmetgram.loop.events.topics.Topics;
import io.gourmetgram.loop.support.testing.TopologyHarness;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Rolling windows are built from hourly buckets, not counted on their own: each must still hold
 * exactly what its 24 hours hold — after updates and deletions — and a record too late for some
 * windows (past their grace) must count in those still open and in no other.
 */
class RollingWindowsTest {

    static final Instant HOUR = Instant.parse("2026-11-24T10:00:00Z");
    static final Duration GRACE = Duration.ofDays(2);

    private TopologyHarness harness;
    private TestInputTopic<String, Prediction> predictions;
    private TestInputTopic<String, LabelingRequest> requests;
    private TestInputTopic<String, Annotation> annotations;
    private TestOutputTopic<String, AccuracyWindow> tumblingOut;
    private TestOutputTopic<String, AccuracyWindow> rollingOut;
    private final Map<String, AccuracyWindow> tumbling = new HashMap<>();
    private final Map<String, AccuracyWindow> rolling = new HashMap<>();

    @BeforeEach
    void start() {
        AccuracySettings settings = new AccuracySettings(
                Duration.ofHours(1), Duration.ofHours(24), Duration.ofHours(1), GRACE, false, 0.6, 1000, 2);
        harness = AccuracyFixtures.harness(settings, HOUR);
        predictions = harness.input(Topics.PREDICTIONS);
        requests = harness.input(Topics.LABELING_REQUESTS);
        annotations = harness.input(Topics.ANNOTATIONS);
        tumblingOut = harness.output(Topics.ACCURACY_TUMBLING);
        rollingOut = harness.output(Topics.ACCURACY_ROLLING);
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    @Test
    void everyRollingWindowHoldsTheSumOfItsHoursAfterUpdatesAndDeletions() {
        for (int h = 0; h < 3; h++) {
            for (int i = 0; i < 4; i++) {
                String id = "u" + h + "-" + i;
                Prediction p =
                        prediction(id, HOUR.plus(Duration.ofHours(h)).plusSeconds(60L * i), "Rice", 0.5 + 0.1 * i);
                predictions.pipeInput(id, p, p.scoredAt());
                if (i < 3) {
                    requests.pipeInput(
                            id,
                            request(p, 0.05, null, i == 0 ? ReviewReason.RANDOM : ReviewReason.LOW_CONFIDENCE),
                            p.scoredAt());
                    annotations.pipeInput(
                            id,
                            annotation(
                                    id, 10L * h + i, i == 1 ? "Soup" : "Rice", AnnotationAction.CREATED, p.scoredAt()));
                }
            }
        }
        // hour 1: a label corrected; hour 2: a label withdrawn
        annotations.pipeInput("u1-1", annotation("u1-1", 11, "Rice", AnnotationAction.UPDATED, HOUR.plusSeconds(7200)));
        annotations.pipeInput("u2-2", annotation("u2-2", 22, null, AnnotationAction.DELETED, HOUR.plusSeconds(9000)));
        read();

        assertThat(tumbling).hasSize(3);
        assertThat(tumbling.get(AccuracyWindow.key(
                                io.gourmetgram.loop.events.WindowType.TUMBLING,
                                HOUR.plusSeconds(3600),
                                AccuracyFixtures.MODEL))
                        .correct())
                .isEqualTo(3); // the update counted
        assertThat(rolling).hasSize(26); // every rolling window containing one of the three hours
        rolling.values().forEach(this::assertSumOfItsHours);
    }

    @Test
    void aRecordTooLateForSomeWindowsCountsOnlyInThoseStillOpen() {
        Prediction early = prediction("early", HOUR.plusSeconds(60), "Rice", 0.6);
        predictions.pipeInput("early", early, early.scoredAt());
        read();
        Map<String, AccuracyWindow> before = new HashMap<>(rolling);
        long tumblingBefore = tumbling.values().iterator().next().predictions();

        // stream time moves on to 12 h past the hour's grace: the hour and the rolling days ending
        // before HOUR + 12 h are closed, the 13 ending later are still open
        Instant late = HOUR.plus(GRACE).plus(Duration.ofHours(12));
        predictions.pipeInput("now", prediction("now", late, "Rice", 0.9), late);
        Prediction lateOne = prediction("late", HOUR.plusSeconds(120), "Rice", 0.6);
        predictions.pipeInput("late", lateOne, late);
        requests.pipeInput("late", request(lateOne, 1.0, null, ReviewReason.LOW_CONFIDENCE), late);
        annotations.pipeInput("late", annotation("late", 1, "Rice", AnnotationAction.CREATED, late), late);
        read();

        AccuracyWindow hour = tumbling.get(
                AccuracyWindow.key(io.gourmetgram.loop.events.WindowType.TUMBLING, HOUR, AccuracyFixtures.MODEL));
        assertThat(hour.predictions()).isEqualTo(tumblingBefore);
        assertThat(hour.labelled()).isZero();
        before.forEach((key, was) -> {
            AccuracyWindow now = rolling.get(key);
            boolean open = !was.windowEnd().plus(GRACE).isBefore(late);
            assertThat(now.predictions()).as(key).isEqualTo(was.predictions() + (open ? 1 : 0));
            assertThat(now.labelled()).as(key).isEqualTo(open ? 1 : 0);
            assertThat(now.strata().get("low_confidence").requests()).as(key).isEqualTo(open ? 1 : 0);
        });
        assertThat(before.values().stream()
                        .filter(w -> !w.windowEnd().plus(GRACE).isBefore(late)))
                .hasSize(13);
    }

    private void read() {
        tumbling.putAll(tumblingOut.readKeyValuesToMap());
        rolling.putAll(rollingOut.readKeyValuesToMap());
    }

    private void assertSumOfItsHours(AccuracyWindow day) {
        long predictions = 0;
        long labelled = 0;
        long correct = 0;
        double confidence = 0;
        Map<String, Long> byReason = new TreeMap<>();
        Map<String, Long> confusion = new TreeMap<>();
        for (AccuracyWindow hour : tumbling.values()) {
            if (hour.windowStart().isBefore(day.windowStart())
                    || !hour.windowStart().isBefore(day.windowEnd())) {
                continue;
            }
            predictions += hour.predictions();
            labelled += hour.labelled();
            correct += hour.correct();
            confidence += hour.strata().values().stream()
                    .mapToDouble(AccuracyWindow.Stratum::confidenceSum)
                    .sum();
            hour.byReason().forEach((r, t) -> byReason.merge(r + " correct", t.correct(), Long::sum));
            hour.byReason().forEach((r, t) -> byReason.merge(r + " labelled", t.labelled(), Long::sum));
            hour.confusion()
                    .forEach((truth, row) -> row.forEach((p, n) -> confusion.merge(truth + "→" + p, n, Long::sum)));
        }
        Map<String, Long> dayReasons = new TreeMap<>();
        day.byReason().forEach((r, t) -> dayReasons.put(r + " correct", t.correct()));
        day.byReason().forEach((r, t) -> dayReasons.put(r + " labelled", t.labelled()));
        Map<String, Long> dayConfusion = new TreeMap<>();
        day.confusion().forEach((truth, row) -> row.forEach((p, n) -> dayConfusion.put(truth + "→" + p, n)));
        assertThat(day.predictions()).as(day.key()).isEqualTo(predictions);
        assertThat(day.labelled()).as(day.key()).isEqualTo(labelled);
        assertThat(day.correct()).as(day.key()).isEqualTo(correct);
        assertThat(day.strata().values().stream()
                        .mapToDouble(AccuracyWindow.Stratum::confidenceSum)
                        .sum())
                .as(day.key())
                .isCloseTo(confidence, within(1e-9));
        assertThat(dayReasons).as(day.key()).isEqualTo(byReason);
        assertThat(dayConfusion).as(day.key()).isEqualTo(confusion);
    }
}
