package io.gourmetgram.loop.accuracy.topology;

import static io.gourmetgram.loop.accuracy.topology.AccuracyFixtures.annotation;
import static io.gourmetgram.loop.accuracy.topology.AccuracyFixtures.prediction;
import static io.gourmetgram.loop.accuracy.topology.AccuracyFixtures.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.gourmetgram.loop.events.AccuracyWindow;
import io.gourmetgram.loop.events.AnnotationAction;
import io.gourmetgram.loop.events.Prediction;
import io.gourmetgram.loop.events.ReviewReason;
import io.gourmetgram.loop.events.testing.EventSchemas;
import io.gourmetgram.loop.events.topics.Topics;
import io.gourmetgram.loop.support.testing.TopologyHarness;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Tumbling windows estimated with the windows before them, through the real topology (TopologyTestDriver). */
class HourlyProductionEstimateTest {

    static final Instant HOUR = Instant.parse("2026-11-24T10:00:00Z");

    private TopologyHarness harness;
    private TestInputTopic<String, Prediction> predictions;
    private TestInputTopic<String, io.gourmetgram.loop.events.LabelingRequest> requests;
    private TestInputTopic<String, io.gourmetgram.loop.events.Annotation> annotations;
    private TestOutputTopic<String, AccuracyWindow> tumbling;
    private TestOutputTopic<String, AccuracyWindow> rolling;

    @BeforeEach
    void start() {
        // rolling windows of one hour: each event updates two windows, so hours of traffic stay quick to replay
        AccuracySettings settings = new AccuracySettings(
                Duration.ofHours(1), Duration.ofHours(1), Duration.ofHours(1), Duration.ofDays(2), false, 0.6, 1000);
        harness = AccuracyFixtures.harness(settings, HOUR);
        predictions = harness.input(Topics.PREDICTIONS);
        requests = harness.input(Topics.LABELING_REQUESTS);
        annotations = harness.input(Topics.ANNOTATIONS);
        tumbling = harness.output(Topics.ACCURACY_TUMBLING);
        rolling = harness.output(Topics.ACCURACY_ROLLING);
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    /** Hours of 30 predictions at confidence 0.9, 17 of them in the random sample and labelled, 14 right. */
    private void hoursOfTraffic(int hours) {
        for (int h = 0; h < hours; h++) {
            Instant at = HOUR.plus(Duration.ofHours(h));
            for (int i = 0; i < 30; i++) {
                String id = "h" + h + "-" + i;
                Prediction p = prediction(id, at, "Rice", 0.9);
                predictions.pipeInput(id, p);
                if (i < 17) {
                    requests.pipeInput(id, request(p, 0.5, null, ReviewReason.RANDOM));
                    annotations.pipeInput(
                            id, annotation(id, 100L * h + i, i < 14 ? "Rice" : "Soup", AnnotationAction.CREATED, at));
                }
            }
        }
    }

    private static String key(int hour) {
        return "tumbling|" + HOUR.plus(Duration.ofHours(hour)) + "|food11-demo:1";
    }

    @Test
    void anHourAfterHoursOfRandomLabelsBorrowsTheirCalibrationAndKeepsItsOwnEstimateBeside() {
        hoursOfTraffic(7);

        Map<String, AccuracyWindow> windows = tumbling.readKeyValuesToMap();
        AccuracyWindow first = windows.get(key(0));
        AccuracyWindow last = windows.get(key(6));
        assertThat(first.productionMethod()).isEqualTo(AccuracyWindow.DESIGN_BASED);
        assertThat(first.production()).isEqualTo(first.designBased());
        assertThat(last.productionMethod()).isEqualTo(AccuracyWindow.SMALL_AREA);
        double own = 0.9 + (14 - 17 * 0.9) / 17;
        assertThat(last.designBased().accuracy()).isCloseTo(own, within(1e-9));
        assertThat(last.production().accuracy()).isCloseTo(own, within(0.01)); // every hour alike
        assertThat(last.production().upper() - last.production().lower())
                .isLessThan(
                        0.8 * (last.designBased().upper() - last.designBased().lower()));
        assertThat(EventSchemas.violations(Topics.ACCURACY_TUMBLING.schemaResource(), last))
                .isEmpty();
        assertThat(rolling.readKeyValuesToMap().values())
                .allSatisfy(w -> assertThat(w.productionMethod()).isEqualTo(AccuracyWindow.DESIGN_BASED));
    }

    @Test
    void withFewerLabelledHoursBeforeItAnHourKeepsItsOwnEstimate() {
        hoursOfTraffic(5); // 4 hours before the last: fewer than SmallAreaEstimate.MIN_TRAILING_HOURS

        AccuracyWindow last = tumbling.readKeyValuesToMap().get(key(4));
        assertThat(last.productionMethod()).isEqualTo(AccuracyWindow.DESIGN_BASED);
        assertThat(last.production()).isEqualTo(last.designBased());
    }
}
