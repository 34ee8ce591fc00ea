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
import io.gourmetgram.loop.events.topics.KeyPartitioning;
import io.gourmetgram.loop.events.topics.Topics;
import io.gourmetgram.loop.sampling.app.SamplingStreams;
import io.gourmetgram.loop.sampling.budget.AnnotatorBudget;
import io.gourmetgram.loop.sampling.rules.LowConfidenceRule;
import io.gourmetgram.loop.sampling.rules.RandomSampleRule;
import io.gourmetgram.loop.support.streams.UploadKeyCheck;
import io.gourmetgram.loop.support.testing.TopologyHarness;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.IntStream;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
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
        start(budgetPerReason, 10);
    }

    private void start(int budgetPerReason, int maxRevisions) {
        start(budgetPerReason, maxRevisions, new Properties());
    }

    private void start(int budgetPerReason, int maxRevisions, Properties extraTuning) {
        AnnotatorBudget budget = new AnnotatorBudget(Map.of(
                ReviewReason.RANDOM,
                budgetPerReason,
                ReviewReason.LOW_CONFIDENCE,
                budgetPerReason,
                ReviewReason.FLAGGED,
                budgetPerReason,
                ReviewReason.CORRECTED,
                budgetPerReason));
        SamplingSettings settings = new SamplingSettings(
                new RandomSampleRule(RATE),
                new LowConfidenceRule(0.7, 0),
                budget,
                Duration.ofMinutes(30),
                Duration.ofMinutes(1),
                maxRevisions);
        Properties tuning = SamplingStreams.tuning();
        tuning.putAll(extraTuning);
        harness = TopologyHarness.start(
                LabelingRequestTopology.build(settings, registry),
                "sampling-streams",
                Topics.SAMPLING_DEAD_LETTER,
                tuning,
                T0);
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

            assertThat(requests.readValuesToList())
                    .singleElement()
                    .satisfies(r -> assertThat(r.reasons())
                            .extracting(ReasonInclusion::reason)
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
            assertThat(all.get(3).reasons())
                    .extracting(ReasonInclusion::reason)
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
        void feedbackWhosePredictionNeverArrivesExpiresOnceStreamTimePassesTheRetentionAndIsCounted() {
            start(100);
            String id = notSampled(0);
            feedback.pipeInput(id, flag(id), T0);
            String later = notSampled(1);
            predictions.pipeInput(
                    later, prediction(later, 0.99), T0.plus(Duration.ofMinutes(45))); // stream time moves on

            predictions.pipeInput(
                    id, prediction(id, 0.99), T0.plus(Duration.ofMinutes(46))); // too late: the flag is gone

            assertThat(requests.isEmpty()).isTrue();
            assertThat(registry.counter("gourmetgram.sampling.feedback.expired").count())
                    .isEqualTo(1.0);
        }

        @Test
        void heldFeedbackSurvivesAnInferenceOutageHoweverLongTheWallClockRuns() {
            start(100);
            String id = notSampled(0);
            feedback.pipeInput(id, flag(id), T0);

            driver.advanceWallClockTime(Duration.ofDays(3)); // no prediction arrives meanwhile
            predictions.pipeInput(id, prediction(id, 0.99), T0.plus(Duration.ofMinutes(1)));

            assertThat(requests.readValue().reasons())
                    .extracting(ReasonInclusion::reason)
                    .containsExactly(ReviewReason.FLAGGED);
            assertThat(registry.counter("gourmetgram.sampling.feedback.expired").count())
                    .isZero();
        }
    }

    @Nested
    class FeedbackFlood {

        @Test
        void thousandsOfFeedbackRecordsBeforeThePredictionAreHeldAsOneSmallSummary() {
            start(100);
            String id = notSampled(0);
            for (int i = 0; i < 1_000; i++) {
                feedback.pipeInput(id, i % 3 == 2 ? correction(id, i % 2 == 0 ? "Rice" : "Egg") : flag(id));
            }
            KeyValueStore<String, ReviewState.EarlyFeedback> held =
                    driver.getKeyValueStore(LabelingRequestTopology.EARLY_FEEDBACK);
            byte[] stored = StateSerde.EARLY_FEEDBACK.serialize("changelog", held.get(id));
            assertThat(stored.length).isLessThan(200); // the changelog record no longer grows with each flag

            predictions.pipeInput(id, prediction(id, 0.99));

            LabelingRequest request = requests.readValue();
            assertThat(request.revision()).isEqualTo(1);
            assertThat(request.reasons())
                    .extracting(ReasonInclusion::reason)
                    .containsExactly(ReviewReason.FLAGGED, ReviewReason.CORRECTED);
            assertThat(request.userCorrection()).isEqualTo("Rice"); // i = 998 (even) was the last correction
            assertThat(requests.isEmpty()).isTrue();
        }

        @Test
        void alternatingCorrectionsStopUpdatingTheRequestAtTheRevisionLimit() {
            start(100, 4);
            String id = notSampled(0);
            predictions.pipeInput(id, prediction(id, 0.5));
            for (int i = 0; i < 50; i++) {
                feedback.pipeInput(id, correction(id, i % 2 == 0 ? "Rice" : "Egg"));
            }

            assertThat(requests.readValuesToList())
                    .extracting(LabelingRequest::revision)
                    .containsExactly(1, 2, 3, 4);
            assertThat(registry.counter("gourmetgram.sampling.feedback.revision.limited")
                            .count())
                    .isEqualTo(
                            24.0); // the 24 "Egg" after revision 4 ("Rice"); a repeated "Rice" changes nothing anyway
        }

        @Test
        void feedbackHeldInTheFormerListFormatIsStillApplied() {
            String legacy = """
                    {"feedback":[{"schemaVersion":1,"uploadId":"u","kind":"flag","at":"2026-11-24T10:00:00Z"},
                      {"schemaVersion":1,"uploadId":"u","kind":"correction","correctedLabel":"Egg","at":"2026-11-24T10:00:01Z"}],
                     "firstSeenMillis":1764000000000}""";

            ReviewState.EarlyFeedback read = StateSerde.EARLY_FEEDBACK.deserialize(
                    "changelog", legacy.getBytes(java.nio.charset.StandardCharsets.UTF_8));

            assertThat(read).isEqualTo(new ReviewState.EarlyFeedback(true, "Egg", 2, 1_764_000_000_000L));
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

            assertThat(requests.readValuesToList())
                    .extracting(LabelingRequest::revision)
                    .containsExactly(1, 2);
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
            assertThat(all)
                    .extracting(LabelingRequest::state)
                    .containsExactly(RequestState.OPEN, RequestState.SKIPPED_BUDGET);
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

            assertThat(requests.readValuesToList())
                    .extracting(LabelingRequest::state)
                    .containsOnly(RequestState.OPEN);
        }
    }

    @Nested
    class Determinism {

        @Test
        void aReplayOfTheSamePredictionsSelectsTheSameUploads() {
            List<String> ids =
                    IntStream.range(0, 400).mapToObj(i -> "replay-" + i).toList();
            start(10_000);
            ids.forEach(id -> predictions.pipeInput(id, prediction(id, 0.99)));
            List<String> first = requests.readValuesToList().stream()
                    .map(LabelingRequest::uploadId)
                    .toList();
            harness.close();

            start(10_000);
            ids.forEach(id -> predictions.pipeInput(id, prediction(id, 0.99)));
            List<String> second = requests.readValuesToList().stream()
                    .map(LabelingRequest::uploadId)
                    .toList();

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

            assertThat(requests.isEmpty())
                    .as("the misfiled flag did not select the upload")
                    .isTrue();
            assertThat(harness.deadLetters()).singleElement().satisfies(letter -> {
                assertThat(letter.sourceTopic()).isEqualTo("feedback");
                assertThat(letter.key()).isEqualTo(id);
                assertThat(letter.errorMessage()).contains("keyed '" + id + "'").contains(other);
            });
        }
    }

    /**
     * Producers that do not partition keys with murmur2 (kcat and most librdkafka clients by default)
     * put an upload's records where its other records are not: the driver's partition 0 stands for a
     * 3-partition topic here.
     */
    @Nested
    class ForeignProducers {

        @Test
        void aFlagOnAnotherPartitionThanItsKeysIsDeadLetteredWithTheFixNotSilentlyIgnored() {
            start(100, 10, threePartitions());
            String misplaced = notSampledOnPartition(1);
            predictions.pipeInput(misplaced, prediction(misplaced, 0.95));
            feedback.pipeInput(misplaced, flag(misplaced));

            assertThat(requests.isEmpty()).isTrue();
            assertThat(harness.deadLetters()).hasSize(2).allSatisfy(letter -> {
                assertThat(letter.key()).isEqualTo(misplaced);
                assertThat(letter.errorMessage())
                        .contains("belongs on partition 1 of 3")
                        .contains("murmur2_random");
            });
        }

        @Test
        void recordsOnTheirKeysPartitionAreJoinedAsUsual() {
            start(100, 10, threePartitions());
            String placed = notSampledOnPartition(0);
            predictions.pipeInput(placed, prediction(placed, 0.95));
            feedback.pipeInput(placed, flag(placed));

            assertThat(requests.readValue().reasons())
                    .extracting(ReasonInclusion::reason)
                    .containsExactly(ReviewReason.FLAGGED);
            assertThat(harness.deadLetters()).isEmpty();
        }

        private static Properties threePartitions() {
            Properties tuning = new Properties();
            tuning.put(UploadKeyCheck.PARTITIONS + Topics.PREDICTIONS.name(), 3);
            tuning.put(UploadKeyCheck.PARTITIONS + Topics.FEEDBACK.name(), 3);
            return tuning;
        }

        private static String notSampledOnPartition(int partition) {
            return IntStream.iterate(0, i -> i + 1)
                    .mapToObj(i -> "upload-" + i)
                    .filter(id -> !new RandomSampleRule(RATE).selects(id))
                    .filter(id -> KeyPartitioning.partitionOf(id, 3) == partition)
                    .findFirst()
                    .orElseThrow();
        }
    }

    private static String sampled(int n) {
        return IntStream.iterate(0, i -> i + 1)
                .mapToObj(i -> "upload-" + i)
                .filter(new RandomSampleRule(RATE)::selects)
                .skip(n)
                .findFirst()
                .orElseThrow();
    }

    private static String notSampled(int n) {
        return IntStream.iterate(0, i -> i + 1)
                .mapToObj(i -> "upload-" + i)
                .filter(id -> !new RandomSampleRule(RATE).selects(id))
                .skip(n)
                .findFirst()
                .orElseThrow();
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
