package io.gourmetgram.loop.accuracy.topology;

import static io.gourmetgram.loop.accuracy.topology.AccuracyFixtures.annotation;
import static io.gourmetgram.loop.accuracy.topology.AccuracyFixtures.prediction;
import static io.gourmetgram.loop.accuracy.topology.AccuracyFixtures.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.gourmetgram.loop.events.AccuracyWindow;
import io.gourmetgram.loop.events.AnnotationAction;
import io.gourmetgram.loop.events.LabelingRequest;
import io.gourmetgram.loop.events.Prediction;
import io.gourmetgram.loop.events.ReasonInclusion;
import io.gourmetgram.loop.events.RetrainSignal;
import io.gourmetgram.loop.events.ReviewReason;
import io.gourmetgram.loop.events.testing.EventSchemas;
import io.gourmetgram.loop.events.testing.TestEvents;
import io.gourmetgram.loop.events.topics.Topics;
import io.gourmetgram.loop.support.testing.TopologyHarness;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class AccuracyTopologyTest {

    static final Instant HOUR = Instant.parse("2026-11-24T10:00:00Z");
    static final String KEY = "tumbling|" + HOUR + "|food11-demo:1";

    private TopologyHarness harness;
    private TopologyTestDriver driver;
    private TestInputTopic<String, io.gourmetgram.loop.events.Prediction> predictions;
    private TestInputTopic<String, io.gourmetgram.loop.events.LabelingRequest> requests;
    private TestInputTopic<String, io.gourmetgram.loop.events.Annotation> annotations;
    private TestInputTopic<String, byte[]> rawAnnotations;
    private TestInputTopic<String, io.gourmetgram.loop.events.Feedback> feedback;
    private TestOutputTopic<String, AccuracyWindow> tumbling;
    private TestOutputTopic<String, AccuracyWindow> rolling;

    @BeforeEach
    void start() {
        AccuracySettings settings = new AccuracySettings(
                Duration.ofHours(1), Duration.ofHours(24), Duration.ofHours(1), Duration.ofDays(2), false, 0.6, 3, 2);
        harness = AccuracyFixtures.harness(settings, HOUR);
        driver = harness.driver();
        predictions = harness.input(Topics.PREDICTIONS);
        requests = harness.input(Topics.LABELING_REQUESTS);
        annotations = harness.input(Topics.ANNOTATIONS);
        rawAnnotations = harness.rawInput(Topics.ANNOTATIONS);
        feedback = harness.input(Topics.FEEDBACK);
        tumbling = harness.output(Topics.ACCURACY_TUMBLING);
        rolling = harness.output(Topics.ACCURACY_ROLLING);
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    /** A label counts once, in its hour and in every rolling day containing it, whatever the order of events. */
    @Nested
    class Counting {

        @Test
        void aLabelJoinedWithItsRequestCountsInItsHourAndInEveryRollingDayContainingIt() {
            requests.pipeInput(
                    "u1", request("u1", HOUR.plusSeconds(600), "Rice", 1.0, null, ReviewReason.LOW_CONFIDENCE));
            annotations.pipeInput("u1", annotation("u1", 1, "Rice", AnnotationAction.CREATED, HOUR.plusSeconds(900)));

            Map<String, AccuracyWindow> hourly = tumbling.readKeyValuesToMap();
            assertThat(hourly).containsOnlyKeys(KEY);
            AccuracyWindow w = hourly.get(KEY);
            assertThat(w.labelled()).isEqualTo(1);
            assertThat(w.correct()).isEqualTo(1);
            assertThat(w.byReason()).containsEntry("low_confidence", new AccuracyWindow.Tally(1, 1));
            assertThat(w.windowEnd()).isEqualTo(HOUR.plusSeconds(3600));
            Map<String, AccuracyWindow> daily = rolling.readKeyValuesToMap();
            assertThat(daily).hasSize(24);
            assertThat(hourly).allSatisfy((key, window) -> assertThat(key).isEqualTo(window.key()));
            assertThat(daily).allSatisfy((key, window) -> assertThat(key).isEqualTo(window.key()));
            assertThat(EventSchemas.violations(Topics.ACCURACY_TUMBLING.schemaResource(), w))
                    .isEmpty();
        }

        @Test
        void aLabelWaitsForItsRequestAndARequestForItsLabel() {
            annotations.pipeInput("u1", annotation("u1", 1, "Soup", AnnotationAction.CREATED, HOUR.plusSeconds(900)));
            assertThat(tumbling.isEmpty()).isTrue();

            requests.pipeInput("u1", request("u1", HOUR, "Rice", 1.0, null, ReviewReason.LOW_CONFIDENCE));

            AccuracyWindow w = tumbling.readKeyValuesToMap().get(KEY);
            assertThat(w.correct()).isZero();
            assertThat(w.confusion()).containsEntry("Soup", Map.of("Rice", 1L));
            assertThat(w.byTrueClass()).containsEntry("Soup", new AccuracyWindow.Tally(1, 0));
            assertThat(w.byPredictedClass()).containsEntry("Rice", new AccuracyWindow.Tally(1, 0));
        }

        @Test
        void anUpdatedAnnotationReplacesItsEarlierContribution() {
            requests.pipeInput("u1", request("u1", HOUR, "Rice", 1.0, null, ReviewReason.FLAGGED));
            annotations.pipeInput("u1", annotation("u1", 1, "Soup", AnnotationAction.CREATED, HOUR.plusSeconds(60)));
            annotations.pipeInput("u1", annotation("u1", 1, "Rice", AnnotationAction.UPDATED, HOUR.plusSeconds(120)));

            AccuracyWindow w = tumbling.readKeyValuesToMap().get(KEY);
            assertThat(w.labelled()).isEqualTo(1);
            assertThat(w.correct()).isEqualTo(1);
            assertThat(w.confusion())
                    .containsEntry("Soup", Map.of("Rice", 0L))
                    .containsEntry("Rice", Map.of("Rice", 1L));
            assertThat(w.flagPrecision()).isEqualTo(new AccuracyWindow.Rate(1, 0, 0.0)); // flagged but right after all
        }

        @Test
        void aDeletedAnnotationRetractsItsContribution() {
            requests.pipeInput("u1", request("u1", HOUR, "Rice", 1.0, null, ReviewReason.LOW_CONFIDENCE));
            requests.pipeInput("u2", request("u2", HOUR, "Egg", 1.0, null, ReviewReason.LOW_CONFIDENCE));
            annotations.pipeInput("u1", annotation("u1", 1, "Rice", AnnotationAction.CREATED, HOUR.plusSeconds(60)));
            annotations.pipeInput("u2", annotation("u2", 2, "Egg", AnnotationAction.CREATED, HOUR.plusSeconds(60)));
            annotations.pipeInput("u1", annotation("u1", 1, null, AnnotationAction.DELETED, HOUR.plusSeconds(90)));

            AccuracyWindow w = tumbling.readKeyValuesToMap().get(KEY);
            assertThat(w.labelled()).isEqualTo(1);
            assertThat(w.byPredictedClass().get("Rice")).isEqualTo(new AccuracyWindow.Tally(0, 0));
        }

        @Test
        void aLabelForAWindowPastItsGraceIsNotCounted() {
            requests.pipeInput("late", request("late", HOUR, "Rice", 1.0, null, ReviewReason.LOW_CONFIDENCE), HOUR);
            requests.pipeInput(
                    "now",
                    request("now", HOUR.plus(Duration.ofDays(5)), "Rice", 1.0, null, ReviewReason.LOW_CONFIDENCE),
                    HOUR.plus(Duration.ofDays(5)));
            annotations.pipeInput(
                    "late",
                    annotation("late", 1, "Rice", AnnotationAction.CREATED, HOUR.plus(Duration.ofDays(5))),
                    HOUR.plus(Duration.ofDays(5)));

            assertThat(tumbling.readKeyValuesToMap().get(KEY).labelled())
                    .isZero(); // the request counts, the late label not
        }
    }

    /** What a window reports beside the raw counts. */
    @Nested
    class Estimates {

        @Test
        void userReliabilityIsTheShareOfConfirmedPredictionsAnnotatorsFoundRight() {
            feedback.pipeInput("u1", TestEvents.confirmation("u1").at(HOUR).build());
            requests.pipeInput("u1", request("u1", HOUR, "Rice", 0.05, null, ReviewReason.RANDOM));
            requests.pipeInput("u2", request("u2", HOUR, "Rice", 1.0, null, ReviewReason.LOW_CONFIDENCE));
            requests.pipeInput("u3", request("u3", HOUR, "Rice", 1.0, null, ReviewReason.LOW_CONFIDENCE));
            feedback.pipeInput("u2", TestEvents.confirmation("u2").at(HOUR).build());
            feedback.pipeInput(
                    "u2", TestEvents.confirmation("u2").at(HOUR).build()); // confirmed twice: one upload still
            feedback.pipeInput("u3", TestEvents.confirmation("u3").at(HOUR).build()); // confirmed, never labelled
            feedback.pipeInput("u1", TestEvents.flag("u1").at(HOUR).build()); // a flag counts through the request
            annotations.pipeInput("u1", annotation("u1", 1, "Rice", AnnotationAction.CREATED, HOUR));
            annotations.pipeInput("u2", annotation("u2", 2, "Soup", AnnotationAction.CREATED, HOUR));

            AccuracyWindow w = tumbling.readKeyValuesToMap().get(KEY);
            assertThat(w.labelled()).isEqualTo(2);
            assertThat(w.userReliability()).isEqualTo(new AccuracyWindow.Rate(2, 1, 0.5));
            assertThat(w.byReason()).doesNotContainKey("confirmation");
            assertThat(EventSchemas.violations(Topics.ACCURACY_TUMBLING.schemaResource(), w))
                    .isEmpty();
        }

        @Test
        void feedbackQualityComparesUsersWithAnnotators() {
            requests.pipeInput("u1", request("u1", HOUR, "Rice", 1.0, "Soup", ReviewReason.CORRECTED));
            requests.pipeInput("u2", request("u2", HOUR, "Rice", 1.0, "Egg", ReviewReason.CORRECTED));
            annotations.pipeInput("u1", annotation("u1", 1, "Soup", AnnotationAction.CREATED, HOUR));
            annotations.pipeInput("u2", annotation("u2", 2, "Soup", AnnotationAction.CREATED, HOUR));

            AccuracyWindow w = tumbling.readKeyValuesToMap().get(KEY);
            assertThat(w.correctionAgreement()).isEqualTo(new AccuracyWindow.Rate(2, 1, 0.5));
        }

        @Test
        void theRandomStratumAndTheWeightedEstimateAreReportedSeparatelyFromTheBiasedRawShare() {
            requests.pipeInput("r1", request("r1", HOUR, "Rice", 0.05, null, ReviewReason.RANDOM));
            requests.pipeInput("l1", request("l1", HOUR, "Rice", 1.0, null, ReviewReason.LOW_CONFIDENCE));
            annotations.pipeInput("r1", annotation("r1", 1, "Rice", AnnotationAction.CREATED, HOUR));
            annotations.pipeInput("l1", annotation("l1", 2, "Soup", AnnotationAction.CREATED, HOUR));

            AccuracyWindow w = tumbling.readKeyValuesToMap().get(KEY);
            assertThat(w.rawLabelledAccuracyBiased()).isEqualTo(0.5);
            assertThat(w.randomStratum().accuracy()).isEqualTo(1.0);
            assertThat(w.weighted().accuracy()).isCloseTo(20.0 / 21, org.assertj.core.api.Assertions.within(1e-9));
        }
    }

    /** When the model should be retrained. */
    /** What a window knows of all its predictions, and the production estimate and figures built on it. */
    @Nested
    class ProductionEstimate {

        @Test
        void everyPredictionCountsInItsStratumAndConfidenceBandLabelledOrNot() {
            predictions.pipeInput("a", prediction("a", HOUR, "Rice", 0.95));
            predictions.pipeInput("b", prediction("b", HOUR, "Rice", 0.6));
            predictions.pipeInput("c", prediction("c", HOUR, "Rice", 0.92));
            requests.pipeInput(
                    "b", request(prediction("b", HOUR, "Rice", 0.6), 1.0, null, ReviewReason.LOW_CONFIDENCE));

            AccuracyWindow w = tumbling.readKeyValuesToMap().get(KEY);
            assertThat(w.predictions()).isEqualTo(3);
            assertThat(w.strata().get("low_confidence").predictions()).isEqualTo(1);
            assertThat(w.strata().get("low_confidence").requests()).isEqualTo(1);
            assertThat(w.strata().get("other").predictions()).isEqualTo(2);
            assertThat(w.strata().get("other").confidenceSum()).isCloseTo(1.87, within(1e-9));
            assertThat(w.byConfidenceBand()).containsOnlyKeys("0.50-0.70", "0.90-0.95", "0.95-1.00");
            assertThat(w.production().insufficient()).isTrue(); // nothing labelled yet
            assertThat(EventSchemas.violations(Topics.ACCURACY_TUMBLING.schemaResource(), w))
                    .isEmpty();
        }

        @Test
        void aFlagArrivingAsALaterRevisionMovesTheUploadIntoTheFeedbackStratum() {
            predictions.pipeInput("a", prediction("a", HOUR, "Rice", 0.97));
            predictions.pipeInput("b", prediction("b", HOUR, "Rice", 0.93));
            LabelingRequest sampled = request(prediction("a", HOUR, "Rice", 0.97), 0.02, null, ReviewReason.RANDOM);
            requests.pipeInput("a", sampled);
            assertThat(tumbling.readKeyValuesToMap()
                            .get(KEY)
                            .strata()
                            .get("other")
                            .requests())
                    .isEqualTo(1);

            requests.pipeInput(
                    "a",
                    TestEvents.labelingRequest("a")
                            .revision(2)
                            .prediction(sampled.prediction())
                            .inclusions(
                                    new ReasonInclusion(ReviewReason.RANDOM, 0.02),
                                    new ReasonInclusion(ReviewReason.FLAGGED, 1.0))
                            .at(HOUR)
                            .build());

            AccuracyWindow w = tumbling.readKeyValuesToMap().get(KEY);
            assertThat(w.strata().get("feedback").predictions()).isEqualTo(1);
            assertThat(w.strata().get("other").requests()).isZero();
            assertThat(w.strata().get("other").predictions()).isEqualTo(1);
        }

        @Test
        void whenEveryPredictionOfTheWindowIsLabelledTheProductionEstimateIsExact() {
            for (String id : List.of("a", "b")) {
                predictions.pipeInput(id, prediction(id, HOUR, "Rice", 0.6));
                requests.pipeInput(
                        id, request(prediction(id, HOUR, "Rice", 0.6), 1.0, null, ReviewReason.LOW_CONFIDENCE));
            }
            annotations.pipeInput("a", annotation("a", 1, "Rice", AnnotationAction.CREATED, HOUR));
            annotations.pipeInput("b", annotation("b", 2, "Soup", AnnotationAction.CREATED, HOUR));

            assertThat(tumbling.readKeyValuesToMap().get(KEY).production())
                    .isEqualTo(new AccuracyWindow.Estimate(0.5, 0.5, 0.5, 2, false));
        }

        @Test
        void perReasonAndPerClassFiguresCarryIntervalsAndSayWhenTheyHaveTooFewLabels() {
            for (String id : List.of("a", "b", "c")) { // this topology wants at least 2 labels per figure
                Prediction p = prediction(id, HOUR, id.equals("b") ? "Egg" : "Rice", 0.6);
                predictions.pipeInput(id, p);
                requests.pipeInput(id, request(p, 1.0, null, ReviewReason.LOW_CONFIDENCE));
                annotations.pipeInput(
                        id,
                        annotation(
                                id, id.hashCode(), id.equals("b") ? "Soup" : "Rice", AnnotationAction.CREATED, HOUR));
            }

            AccuracyWindow w = tumbling.readKeyValuesToMap().get(KEY);
            assertThat(w.byReasonEstimate().get("low_confidence").accuracy()).isCloseTo(2.0 / 3, within(1e-9));
            assertThat(w.byReasonEstimate().get("low_confidence").lower()).isLessThan(0.5);
            // every Rice prediction of the window was labelled: its precision is known exactly
            assertThat(w.byPredictedClassEstimate().get("Rice"))
                    .isEqualTo(new AccuracyWindow.Estimate(1.0, 1.0, 1.0, 2, false));
            assertThat(w.byPredictedClassEstimate().get("Egg")).isEqualTo(AccuracyWindow.Estimate.insufficient(1));
            // two Rice photos, both recognised: right so far, but no certainty about Rice photos in general
            assertThat(w.byTrueClassEstimate().get("Rice").accuracy()).isEqualTo(1.0);
            assertThat(w.byTrueClassEstimate().get("Rice").lower()).isLessThan(0.5);
            assertThat(w.byTrueClassEstimate().get("Soup")).isEqualTo(AccuracyWindow.Estimate.insufficient(1));
        }
    }

    @Nested
    class Retraining {

        @Test
        void retrainingIsSignalledOncePerCrossingAndEveryNNewLabels() {
            TestOutputTopic<String, RetrainSignal> signals = driver.createOutputTopic(
                    Topics.RETRAIN_SIGNALS.name(),
                    Serdes.String().deserializer(),
                    Topics.RETRAIN_SIGNALS.valueSerde().deserializer());
            for (String id : new String[] {"w1", "w2", "w3", "w4"}) {
                requests.pipeInput(id, request(id, HOUR, "Rice", 1.0, null, ReviewReason.LOW_CONFIDENCE));
                annotations.pipeInput(id, annotation(id, id.hashCode(), "Soup", AnnotationAction.CREATED, HOUR));
            }

            List<RetrainSignal> all = signals.readValuesToList();
            assertThat(all)
                    .extracting(RetrainSignal::reason)
                    .containsExactly(
                            RetrainSignal.Reason.ACCURACY_BELOW_THRESHOLD, RetrainSignal.Reason.LABELS_ACCUMULATED);
            assertThat(all.get(0).upperBound()).isLessThan(0.6);
            assertThat(all.get(0).windowStart()).isEqualTo(HOUR);
            assertThat(all.get(1).newLabels()).isEqualTo(3);
            assertThat(EventSchemas.violations(Topics.RETRAIN_SIGNALS.schemaResource(), all.get(0)))
                    .isEmpty();
            assertThat(EventSchemas.violations(Topics.RETRAIN_SIGNALS.schemaResource(), all.get(1)))
                    .isEmpty();
        }
    }

    /** Bad records are dead-lettered and the stream continues. */
    @Nested
    class Errors {

        @Test
        void corruptAnnotationBytesAreDeadLetteredAndTheStreamContinues() {
            rawAnnotations.pipeInput("bad", new byte[] {'n', 'o', 'p', 'e'});
            requests.pipeInput("u1", request("u1", HOUR, "Rice", 1.0, null, ReviewReason.LOW_CONFIDENCE));
            annotations.pipeInput("u1", annotation("u1", 1, "Rice", AnnotationAction.CREATED, HOUR));

            assertThat(tumbling.readKeyValuesToMap()).containsKey(KEY);
            assertThat(harness.deadLetters())
                    .singleElement()
                    .satisfies(letter -> assertThat(letter.errorMessage()).contains("not a valid Annotation event"));
        }

        @Test
        void anAnnotationKeyedByAnotherUploadIsDeadLetteredNotCounted() {
            requests.pipeInput("u1", request("u1", HOUR, "Rice", 1.0, null, ReviewReason.LOW_CONFIDENCE));
            annotations.pipeInput("u1", annotation("u2", 1, "Rice", AnnotationAction.CREATED, HOUR));

            assertThat(tumbling.readKeyValuesToMap().get(KEY).labelled()).isZero(); // the request counts, the label not
            assertThat(harness.deadLetters()).singleElement().satisfies(letter -> {
                assertThat(letter.sourceTopic()).isEqualTo(Topics.ANNOTATIONS.name());
                assertThat(letter.errorMessage()).contains("keyed 'u1'").contains("'u2'");
            });
        }
    }
}
