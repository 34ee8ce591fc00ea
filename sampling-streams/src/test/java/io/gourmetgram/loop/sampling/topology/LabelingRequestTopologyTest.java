package io.gourmetgram.loop.sampling.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.gourmetgram.loop.events.DeadLetter;
import io.gourmetgram.loop.events.Feedback;
import io.gourmetgram.loop.events.LabelingRequest;
import io.gourmetgram.loop.events.Prediction;
import io.gourmetgram.loop.events.ReasonInclusion;
import io.gourmetgram.loop.events.RequestState;
import io.gourmetgram.loop.events.ReviewReason;
import io.gourmetgram.loop.events.testing.TestEvents;
import io.gourmetgram.loop.events.topics.Topics;
import io.gourmetgram.loop.sampling.app.SamplingStreams;
import io.gourmetgram.loop.support.testing.TopologyHarness;
import io.gourmetgram.loop.sampling.budget.AnnotatorBudget;
import io.gourmetgram.loop.sampling.rules.LowConfidenceRule;
import io.gourmetgram.loop.sampling.rules.RandomSampleRule;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class LabelingRequestTopologyTest {

    private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");
    private static final double RATE = 0.05;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private TopologyHarness harness;
    private TopologyTestDriver driver;
    private TestInputTopic<String, Prediction> predictions;
    private TestInputTopic<String, Feedback> feedback;
    private TestInputTopic<String, byte[]> rawFeedback;
    private TestOutputTopic<String, LabelingRequest> requests;

    private void start(int budgetPerReason) {
        AnnotatorBudget budget = new AnnotatorBudget(Map.of(ReviewReason.RANDOM, budgetPerReason,
                ReviewReason.LOW_CONFIDENCE, budgetPerReason, ReviewReason.FLAGGED, budgetPerReason,
                ReviewReason.CORRECTED, budgetPerReason));
        SamplingSettings settings = new SamplingSettings(new RandomSampleRule(RATE), new LowConfidenceRule(0.7, 0),
                budget, Duration.ofMinutes(30), Duration.ofMinutes(1));
        harness = TopologyHarness.start(LabelingRequestTopology.build(settings, registry), "sampling-streams",
                Topics.SAMPLING_DEAD_LETTER, SamplingStreams.tuning(), T0);
        driver = harness.driver();
        predictions = harness.input(Topics.PREDICTIONS);
        feedback = harness.input(Topics.FEEDBACK);
        rawFeedback = harness.rawInput(Topics.FEEDBACK);
        requests = harness.output(Topics.LABELING_REQUESTS);
    }

    @AfterEach
    void close() {
        if (harness != null) {
            harness.close();
        }
    }

    @Nested
    class Rules {

        @Test
        void aConfidentPredictionOutsideTheRandomSampleNeedsNoReview() {
            start(100);
            predictions.pipeInput(notSampled(0), prediction(notSampled(0), 0.95));

            assertThat(requests.isEmpty()).isTrue();
        }

        @Test
        void lowConfidenceIsReviewedWithCertainInclusion() {
            start(100);
            String id = notSampled(0);
            predictions.pipeInput(id, prediction(id, 0.55));

            LabelingRequest request = requests.readValue();
            assertThat(request.reasons()).containsExactly(new ReasonInclusion(ReviewReason.LOW_CONFIDENCE, 1.0));
            assertThat(request.inclusionProbability()).isEqualTo(1.0);
            assertThat(request.state()).isEqualTo(RequestState.OPEN);
            assertThat(request.revision()).isEqualTo(1);
            assertThat(request.prediction().label()).isEqualTo("Soup");
            assertThat(request.object().key()).endsWith(id + ".jpg");
        }

        @Test
        void theRandomSampleCarriesTheSampleRateAsItsInclusionProbability() {
            start(100);
            String id = sampled(0);
            predictions.pipeInput(id, prediction(id, 0.99));

            LabelingRequest request = requests.readValue();
            assertThat(request.reasons()).containsExactly(new ReasonInclusion(ReviewReason.RANDOM, RATE));
            assertThat(request.inclusionProbability()).isCloseTo(RATE, within(1e-12));
        }

        @Test
        void aFlagOnAConfidentPredictionCreatesARequestWithTheFlag() {
            start(100);
            String id = notSampled(0);
            predictions.pipeInput(id, prediction(id, 0.99));
            feedback.pipeInput(id, flag(id));

            LabelingRequest request = requests.readValue();
            assertThat(request.reasons()).extracting(ReasonInclusion::reason).containsExactly(ReviewReason.FLAGGED);
            assertThat(request.revision()).isEqualTo(1);
        }

        @Test
        void aConfirmationIsNotAReasonForReviewBeforeOrAfterItsPrediction() {
            start(100);
            String early = notSampled(0);
            String late = notSampled(1);
            feedback.pipeInput(early, confirmation(early));
            predictions.pipeInput(early, prediction(early, 0.99));
            predictions.pipeInput(late, prediction(late, 0.99));
            feedback.pipeInput(late, confirmation(late));

            assertThat(requests.isEmpty()).isTrue();
        }

        @Test
        void aConfirmationOfASelectedUploadDoesNotReviseItsRequest() {
            start(100);
            String id = notSampled(0);
            predictions.pipeInput(id, prediction(id, 0.55));
            feedback.pipeInput(id, confirmation(id));

            assertThat(requests.readValuesToList()).singleElement()
                    .satisfies(r -> assertThat(r.reasons()).extracting(ReasonInclusion::reason)
                            .containsExactly(ReviewReason.LOW_CONFIDENCE));
        }
    }

    @Nested
    class FeedbackTiming {

        @Test
        void feedbackAfterTheRequestUpdatesItAsTheNextRevision() {
            start(100);
            String id = notSampled(0);
            predictions.pipeInput(id, prediction(id, 0.5));
            feedback.pipeInput(id, flag(id));
            feedback.pipeInput(id, correction(id, "Rice"));
            feedback.pipeInput(id, correction(id, "Egg"));

            List<LabelingRequest> all = requests.readValuesToList();
            assertThat(all).extracting(LabelingRequest::revision).containsExactly(1, 2, 3, 4);
            assertThat(all).extracting(LabelingRequest::uploadId).containsOnly(id);
            assertThat(all.get(3).reasons()).extracting(ReasonInclusion::reason)
                    .containsExactly(ReviewReason.LOW_CONFIDENCE, ReviewReason.FLAGGED, ReviewReason.CORRECTED);
            assertThat(all.get(3).userCorrection()).isEqualTo("Egg"); // the latest correction wins
            assertThat(all.get(3).requestedAt()).isEqualTo(all.get(0).requestedAt());
        }

        @Test
        void feedbackBeforeItsPredictionIsHeldAndAppliedWhenThePredictionArrives() {
            start(100);
            String id = notSampled(0);
            feedback.pipeInput(id, correction(id, "Rice"));
            assertThat(requests.isEmpty()).isTrue();

            predictions.pipeInput(id, prediction(id, 0.99));

            LabelingRequest request = requests.readValue();
            assertThat(request.reasons()).extracting(ReasonInclusion::reason).containsExactly(ReviewReason.CORRECTED);
            assertThat(request.userCorrection()).isEqualTo("Rice");
            assertThat(requests.isEmpty()).isTrue();
        }

        @Test
        void feedbackWhosePredictionNeverArrivesExpiresAndIsCounted() {
            start(100);
            String id = notSampled(0);
            feedback.pipeInput(id, flag(id));

            driver.advanceWallClockTime(Duration.ofHours(2));
            predictions.pipeInput(id, prediction(id, 0.99)); // too late: the flag is gone

            assertThat(requests.isEmpty()).isTrue();
            assertThat(registry.counter("gourmetgram.sampling.feedback.expired").count()).isEqualTo(1.0);
        }
    }

    @Nested
    class Dedup {

        @Test
        void theSamePredictionTwiceYieldsOneRequest() {
            start(100);
            String id = notSampled(0);
            predictions.pipeInput(id, prediction(id, 0.5));
            predictions.pipeInput(id, prediction(id, 0.4));

            assertThat(requests.readValuesToList()).hasSize(1);
        }

        @Test
        void aSecondFlagAddsNothingAndEmitsNothing() {
            start(100);
            String id = notSampled(0);
            predictions.pipeInput(id, prediction(id, 0.5));
            feedback.pipeInput(id, flag(id));
            feedback.pipeInput(id, flag(id));

            assertThat(requests.readValuesToList()).extracting(LabelingRequest::revision).containsExactly(1, 2);
        }
    }

    @Nested
    class Budget {

        @Test
        void requestsOverTheHourlyCapAreEmittedAsSkippedNotDropped() {
            start(3); // 3 per hour in total: 1 per task with 3 partitions
            String first = notSampled(0);
            String second = notSampled(1);
            predictions.pipeInput(first, prediction(first, 0.5));
            predictions.pipeInput(second, prediction(second, 0.5));

            List<LabelingRequest> all = requests.readValuesToList();
            assertThat(all).extracting(LabelingRequest::state).containsExactly(RequestState.OPEN, RequestState.SKIPPED_BUDGET);
            // Half of this hour's low-confidence selections were admitted.
            assertThat(all.get(1).reasons().getFirst().inclusionProbability()).isCloseTo(0.5, within(1e-12));
        }

        @Test
        void theRandomSampleHasItsOwnBudgetAndIsNotStarvedByLowConfidence() {
            start(3);
            predictions.pipeInput(notSampled(0), prediction(notSampled(0), 0.5));
            predictions.pipeInput(notSampled(1), prediction(notSampled(1), 0.5));
            String random = sampled(0);
            predictions.pipeInput(random, prediction(random, 0.99));

            LabelingRequest last = requests.readValuesToList().getLast();
            assertThat(last.uploadId()).isEqualTo(random);
            assertThat(last.state()).isEqualTo(RequestState.OPEN);
        }

        @Test
        void theBudgetRenewsEachHour() {
            start(3);
            predictions.pipeInput(notSampled(0), prediction(notSampled(0), 0.5), T0);
            predictions.pipeInput(notSampled(1), prediction(notSampled(1), 0.5), T0.plus(Duration.ofMinutes(61)));

            assertThat(requests.readValuesToList()).extracting(LabelingRequest::state).containsOnly(RequestState.OPEN);
        }
    }

    @Nested
    class Determinism {

        @Test
        void aReplayOfTheSamePredictionsSelectsTheSameUploads() {
            List<String> ids = IntStream.range(0, 400).mapToObj(i -> "replay-" + i).toList();
            start(10_000);
            ids.forEach(id -> predictions.pipeInput(id, prediction(id, 0.99)));
            List<String> first = requests.readValuesToList().stream().map(LabelingRequest::uploadId).toList();
            harness.close();

            start(10_000);
            ids.forEach(id -> predictions.pipeInput(id, prediction(id, 0.99)));
            List<String> second = requests.readValuesToList().stream().map(LabelingRequest::uploadId).toList();

            assertThat(first).isNotEmpty().isEqualTo(second);
        }
    }

    @Nested
    class Errors {

        @Test
        void corruptFeedbackBytesAreDeadLetteredAndTheStreamContinues() {
            start(100);
            rawFeedback.pipeInput("broken", new byte[] {1, 2, 3});
            String id = notSampled(0);
            predictions.pipeInput(id, prediction(id, 0.5));

            assertThat(requests.readValuesToList()).hasSize(1);
            assertThat(harness.deadLetters()).hasSize(1);
            DeadLetter letter = harness.deadLetters().getFirst();
            assertThat(letter.sourceTopic()).isEqualTo("feedback");
            assertThat(letter.errorMessage()).contains("not a valid Feedback event");
        }

        @Test
        void aRecordKeyedByAnotherUploadIsDeadLetteredNotJoined() {
            start(100);
            String id = notSampled(0);
            String other = notSampled(1);
            feedback.pipeInput(id, flag(other)); // key says one upload, body another
            predictions.pipeInput(id, prediction(id, 0.95));

            assertThat(requests.isEmpty()).as("the misfiled flag did not select the upload").isTrue();
            assertThat(harness.deadLetters()).singleElement().satisfies(letter -> {
                assertThat(letter.sourceTopic()).isEqualTo("feedback");
                assertThat(letter.key()).isEqualTo(id);
                assertThat(letter.errorMessage()).contains("keyed '" + id + "'").contains(other);
            });
        }
    }

    private static String sampled(int n) {
        return IntStream.iterate(0, i -> i + 1).mapToObj(i -> "upload-" + i)
                .filter(new RandomSampleRule(RATE)::selects).skip(n).findFirst().orElseThrow();
    }

    private static String notSampled(int n) {
        return IntStream.iterate(0, i -> i + 1).mapToObj(i -> "upload-" + i)
                .filter(id -> !new RandomSampleRule(RATE).selects(id)).skip(n).findFirst().orElseThrow();
    }

    private static Prediction prediction(String id, double confidence) {
        return TestEvents.prediction(id).confidence(confidence).scoredAt(T0).build();
    }

    private static Feedback flag(String id) {
        return TestEvents.flag(id).at(T0).build();
    }

    private static Feedback confirmation(String id) {
        return TestEvents.confirmation(id).at(T0).build();
    }

    private static Feedback correction(String id, String label) {
        return TestEvents.correction(id, label).at(T0).build();
    }
}
