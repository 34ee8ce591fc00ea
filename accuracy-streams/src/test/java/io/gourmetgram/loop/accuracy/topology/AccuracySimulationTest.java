package io.gourmetgram.loop.accuracy.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.gourmetgram.loop.events.AccuracyWindow;
import io.gourmetgram.loop.events.WindowType;
import io.gourmetgram.loop.events.testing.TestEvents;
import io.gourmetgram.loop.events.Annotation;
import io.gourmetgram.loop.events.LabelingRequest;
import io.gourmetgram.loop.events.ModelRef;
import io.gourmetgram.loop.events.Prediction;
import io.gourmetgram.loop.events.ReasonInclusion;
import io.gourmetgram.loop.events.ReviewReason;
import io.gourmetgram.loop.events.topics.Topics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;

/**
 * A synthetic day of production with known truth, through the real topology: confidence is
 * correlated with correctness; the random sample takes 2 %; every low-confidence (< 0.7) and every
 * flagged prediction is labelled too. The weighted estimate must land near the true accuracy while
 * the raw labelled share, dominated by the hard cases, must not.
 * Population: 30,000 by default; {@code -Dsimulation.population=200000} for a larger run.
 */
class AccuracySimulationTest {

    private static final double SAMPLE_RATE = 0.02;
    private static final Instant DAY = Instant.parse("2026-11-24T00:00:00Z");
    private static final ModelRef MODEL = new ModelRef("food11-demo", "1");

    @Test
    void weightedEstimateFindsTheTrueAccuracyWhileTheRawLabelledShareIsBiased() {
        int population = Integer.getInteger("simulation.population", 30_000);
        Random random = new Random(2026);
        List<LabelingRequest> requests = new ArrayList<>();
        List<Annotation> labels = new ArrayList<>();
        long right = 0;
        for (int i = 0; i < population; i++) {
            String id = "sim-" + i;
            double confidence = 0.4 + 0.6 * random.nextDouble();
            boolean correct = random.nextDouble() < confidence; // calibrated model: confidence = P(correct)
            right += correct ? 1 : 0;
            boolean flagged = !correct && random.nextDouble() < 0.2;
            boolean sampled = random.nextDouble() < SAMPLE_RATE;
            List<ReasonInclusion> reasons = new ArrayList<>();
            if (sampled) {
                reasons.add(new ReasonInclusion(ReviewReason.RANDOM, SAMPLE_RATE));
            }
            if (confidence < 0.7) {
                reasons.add(new ReasonInclusion(ReviewReason.LOW_CONFIDENCE, 1.0));
            }
            if (flagged) {
                reasons.add(new ReasonInclusion(ReviewReason.FLAGGED, 1.0));
            }
            if (reasons.isEmpty()) {
                continue;
            }
            double inclusion = confidence < 0.7 || flagged ? 1.0 : SAMPLE_RATE;
            Instant at = DAY.plusSeconds(i % 3600); // one hour of traffic
            Prediction p = TestEvents.prediction(id).model(MODEL).label("Rice").confidence(confidence).scoredAt(at).build();
            requests.add(TestEvents.labelingRequest(id).prediction(p).inclusions(reasons.toArray(ReasonInclusion[]::new))
                    .inclusionProbability(inclusion).at(at).build());
            labels.add(TestEvents.annotation(id).taskId(i).annotationId(i).label(correct ? "Rice" : "Soup").updatedAt(at).build());
        }
        double truth = (double) right / population;

        AccuracyWindow window = run(requests, labels);

        assertThat(window.labelled()).isEqualTo(requests.size());
        double tolerance = 0.03;
        assertThat(window.weighted().accuracy()).isBetween(truth - tolerance, truth + tolerance);
        assertThat(window.weighted().lower()).isLessThanOrEqualTo(truth);
        assertThat(window.weighted().upper()).isGreaterThanOrEqualTo(truth);
        assertThat(window.randomStratum().accuracy()).isBetween(truth - 0.06, truth + 0.06);
        assertThat(Math.abs(window.rawLabelledAccuracyBiased() - truth)).isGreaterThan(0.1);
    }

    private static AccuracyWindow run(List<LabelingRequest> requests, List<Annotation> labels) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "accuracy-simulation");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        AccuracySettings settings = new AccuracySettings(Duration.ofHours(1), Duration.ofHours(24), Duration.ofHours(24),
                Duration.ofDays(1), false, 0.0, 1_000_000);
        try (TopologyTestDriver driver = new TopologyTestDriver(AccuracyTopology.build(settings, Clock.systemUTC()), props)) {
            TestInputTopic<String, LabelingRequest> in = driver.createInputTopic(Topics.LABELING_REQUESTS.name(),
                    new StringSerializer(), Topics.LABELING_REQUESTS.valueSerde().serializer());
            TestInputTopic<String, Annotation> out = driver.createInputTopic(Topics.ANNOTATIONS.name(),
                    new StringSerializer(), Topics.ANNOTATIONS.valueSerde().serializer());
            requests.forEach(r -> in.pipeInput(r.uploadId(), r, r.requestedAt()));
            labels.forEach(a -> out.pipeInput(a.uploadId(), a, a.at()));
            return driver.createOutputTopic(Topics.ACCURACY_TUMBLING.name(), Serdes.String().deserializer(),
                    Topics.ACCURACY_TUMBLING.valueSerde().deserializer()).readKeyValuesToMap()
                    .get(AccuracyWindow.key(WindowType.TUMBLING, DAY, MODEL));
        }
    }
}
