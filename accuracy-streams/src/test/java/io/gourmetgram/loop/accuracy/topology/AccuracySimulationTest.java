package io.gourmetgram.loop.accuracy.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.gourmetgram.loop.accuracy.estimate.BandedStratum;
import io.gourmetgram.loop.accuracy.estimate.SimulatedWindow;
import io.gourmetgram.loop.accuracy.estimate.SmallAreaEstimate;
import io.gourmetgram.loop.accuracy.estimate.StratifiedDifferenceEstimate;
import io.gourmetgram.loop.accuracy.estimate.SyntheticTraffic;
import io.gourmetgram.loop.events.AccuracyWindow;
import io.gourmetgram.loop.events.Annotation;
import io.gourmetgram.loop.events.AnnotationAction;
import io.gourmetgram.loop.events.LabelingRequest;
import io.gourmetgram.loop.events.Prediction;
import io.gourmetgram.loop.events.ReasonInclusion;
import io.gourmetgram.loop.events.ReviewReason;
import io.gourmetgram.loop.events.WindowType;
import io.gourmetgram.loop.events.testing.TestEvents;
import io.gourmetgram.loop.events.topics.Topics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;

/**
 * Synthetic hours of production with known truth, through the real topology, as sampling-streams and
 * labeling-sink would write them: every prediction; a request for each random (2 %), low-confidence
 * (&lt; 0.7) or flagged upload — a flag arriving after the first request as its next revision; human
 * labels in any order after the hour, some corrected later, a tenth never arriving. Each hourly
 * window's design-based and production estimates must be the estimators' answers for the hour's known
 * strata and labels (and, for the small-area one, the hours before it),
 * cover the truth, and the raw labelled share must be visibly biased. The estimator's statistical
 * promises over hundreds of windows are checked by {@code ProductionEstimateSimulationTest}.
 * Hours: 3 by default; {@code -Dsimulation.hours=24} for a larger run.
 */
class AccuracySimulationTest {

    private static final int HOURS = Integer.getInteger("simulation.hours", 3);
    private static final int PER_HOUR = 2_000;
    private static final double RANDOM_RATE = 0.02;
    private static final Instant START = Instant.parse("2026-11-24T00:00:00Z");

    @Test
    void everyHourlyWindowCarriesTheProductionEstimateOfItsKnownStrataAndItCoversTheTruth() {
        Random random = new Random(2026);
        Map<Instant, SimulatedWindow> hours = new LinkedHashMap<>();
        try (TopologyTestDriver driver = driver()) {
            TestInputTopic<String, Prediction> predictions = input(driver, Topics.PREDICTIONS.name(), Prediction.class);
            TestInputTopic<String, LabelingRequest> requests =
                    input(driver, Topics.LABELING_REQUESTS.name(), LabelingRequest.class);
            TestInputTopic<String, Annotation> annotations = input(driver, Topics.ANNOTATIONS.name(), Annotation.class);
            for (int h = 0; h < HOURS; h++) {
                Instant hourStart = START.plus(Duration.ofHours(h));
                SimulatedWindow hour = new SimulatedWindow(SyntheticTraffic.CALIBRATED, RANDOM_RATE);
                hours.put(hourStart, hour);
                List<Annotation> labels = new ArrayList<>();
                for (int i = 0; i < PER_HOUR; i++) {
                    String id = "h" + h + "-" + i;
                    Instant at = hourStart.plusMillis(i * 1_800L);
                    SyntheticTraffic.Draw d = SyntheticTraffic.CALIBRATED.draw(random);
                    boolean sampled = random.nextDouble() < RANDOM_RATE;
                    boolean unsure = d.confidence() < 0.7;
                    Prediction p = TestEvents.prediction(id)
                            .label("Rice")
                            .confidence(d.confidence())
                            .scoredAt(at)
                            .build();
                    predictions.pipeInput(id, p, at);
                    boolean labelArrives = random.nextDouble() >= 0.1;
                    hour.add(d, sampled, labelArrives);
                    List<ReasonInclusion> reasons = new ArrayList<>();
                    if (sampled) {
                        reasons.add(new ReasonInclusion(ReviewReason.RANDOM, RANDOM_RATE));
                    }
                    if (unsure) {
                        reasons.add(new ReasonInclusion(ReviewReason.LOW_CONFIDENCE, 1.0));
                    }
                    int revision = 0;
                    if (!reasons.isEmpty()) {
                        requests.pipeInput(
                                id,
                                TestEvents.labelingRequest(id)
                                        .revision(++revision)
                                        .prediction(p)
                                        .inclusions(reasons.toArray(ReasonInclusion[]::new))
                                        .inclusionProbability(unsure ? 1.0 : RANDOM_RATE)
                                        .at(at)
                                        .build(),
                                at);
                    }
                    if (d.flagged()) { // the uploader's flag comes a little later
                        reasons.add(new ReasonInclusion(ReviewReason.FLAGGED, 1.0));
                        requests.pipeInput(
                                id,
                                TestEvents.labelingRequest(id)
                                        .revision(++revision)
                                        .prediction(p)
                                        .inclusions(reasons.toArray(ReasonInclusion[]::new))
                                        .inclusionProbability(1.0)
                                        .at(at)
                                        .updatedAt(at.plusSeconds(1))
                                        .build(),
                                at.plusSeconds(1));
                    }
                    if (!reasons.isEmpty() && labelArrives) {
                        Instant labelled = hourStart.plus(Duration.ofHours(1)).plusSeconds(i);
                        String truth = d.right() ? "Rice" : "Soup";
                        if (random.nextDouble() < 0.05) { // a slip the annotator corrects an hour later
                            labels.add(TestEvents.annotation(id)
                                    .taskId(i)
                                    .annotationId(i)
                                    .label(d.right() ? "Soup" : "Rice")
                                    .updatedAt(labelled)
                                    .build());
                            labels.add(TestEvents.annotation(id)
                                    .taskId(i)
                                    .annotationId(i)
                                    .label(truth)
                                    .action(AnnotationAction.UPDATED)
                                    .updatedAt(labelled.plusSeconds(3600))
                                    .build());
                        } else {
                            labels.add(TestEvents.annotation(id)
                                    .taskId(i)
                                    .annotationId(i)
                                    .label(truth)
                                    .updatedAt(labelled)
                                    .build());
                        }
                    }
                }
                Collections.shuffle(labels, random); // any order: the latest update wins whenever it arrives
                labels.forEach(a -> annotations.pipeInput(a.uploadId(), a, hourStart.plus(Duration.ofHours(2))));
            }
            Map<String, AccuracyWindow> windows = driver.createOutputTopic(
                            Topics.ACCURACY_TUMBLING.name(),
                            Serdes.String().deserializer(),
                            Topics.ACCURACY_TUMBLING.valueSerde().deserializer())
                    .readKeyValuesToMap();

            int covered = 0;
            double rawError = 0;
            List<BandedStratum> before = new ArrayList<>();
            for (Map.Entry<Instant, SimulatedWindow> entry : hours.entrySet()) {
                AccuracyWindow w =
                        windows.get(AccuracyWindow.key(WindowType.TUMBLING, entry.getKey(), TestEvents.MODEL));
                SimulatedWindow hour = entry.getValue();
                AccuracyWindow.Estimate designBased =
                        StratifiedDifferenceEstimate.of(hour.strata()).overall();
                AccuracyWindow.Estimate expected = SmallAreaEstimate.of(
                                hour.strata(),
                                "other",
                                hour.otherByBand(),
                                before.subList(Math.max(0, before.size() - 24), before.size()))
                        .overall();
                before.add(hour.otherByBand());
                assertThat(w.predictions()).isEqualTo(PER_HOUR);
                assertThat(w.designBased().accuracy()).isCloseTo(designBased.accuracy(), within(1e-9));
                assertThat(w.designBased().lower()).isCloseTo(designBased.lower(), within(1e-9));
                assertThat(w.designBased().upper()).isCloseTo(designBased.upper(), within(1e-9));
                assertThat(w.production().accuracy()).isCloseTo(expected.accuracy(), within(1e-9));
                assertThat(w.production().lower()).isCloseTo(expected.lower(), within(1e-9));
                assertThat(w.production().upper()).isCloseTo(expected.upper(), within(1e-9));
                assertThat(w.strata().get("other").predictions())
                        .isEqualTo(hour.strata().get("other").predictions());
                assertThat(w.byConfidenceBand().values().stream()
                                .mapToLong(AccuracyWindow.ConfidenceBand::predictions)
                                .sum())
                        .isEqualTo(PER_HOUR);
                double truth = hour.truth();
                covered += w.production().lower() <= truth
                                && truth <= w.production().upper()
                        ? 1
                        : 0;
                rawError += Math.abs(w.rawLabelledAccuracyBiased() - truth) / HOURS;
            }
            assertThat(covered).isGreaterThanOrEqualTo(HOURS - Math.max(1, HOURS / 10));
            assertThat(rawError)
                    .as("the raw labelled share is dominated by the hard cases")
                    .isGreaterThan(0.1);
        }
    }

    private static TopologyTestDriver driver() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "accuracy-simulation");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        AccuracySettings settings = new AccuracySettings(
                Duration.ofHours(1),
                Duration.ofHours(24),
                Duration.ofHours(24),
                Duration.ofDays(1),
                false,
                0.0,
                1_000_000);
        return new TopologyTestDriver(AccuracyTopology.build(settings, Clock.systemUTC()), props);
    }

    private static <V> TestInputTopic<String, V> input(TopologyTestDriver driver, String topic, Class<V> type) {
        return driver.createInputTopic(
                topic,
                new StringSerializer(),
                io.gourmetgram.loop.events.JsonSerde.of(type).serializer());
    }
}
