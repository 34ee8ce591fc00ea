package io.gourmetgram.loop.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.gourmetgram.loop.events.testing.EventSchemas;
import io.gourmetgram.loop.events.testing.TestEvents;
import io.gourmetgram.loop.events.topics.TopicSpec;
import io.gourmetgram.loop.events.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EventSchemaTest {

    private static final String ID = "0b6f2a1c-8a43-4c7e-9d55-5f1f2f3c4d5e";

    private static LabelingRequest labelingRequest() {
        return TestEvents.labelingRequest(ID)
                .revision(2)
                .reasons(ReviewReason.LOW_CONFIDENCE, ReviewReason.CORRECTED)
                .userCorrection("Rice")
                .updatedAt(TestEvents.AT.plusSeconds(5))
                .build();
    }

    static Stream<Arguments> eventsOnTheirTopics() {
        return Stream.of(
                Arguments.of(Topics.UPLOADS, TestEvents.upload(ID).build()),
                Arguments.of(Topics.PREDICTIONS, TestEvents.prediction(ID).build()),
                Arguments.of(Topics.FEEDBACK, TestEvents.correction(ID, "Rice").build()),
                Arguments.of(
                        Topics.FEEDBACK,
                        TestEvents.correction(ID, "Rice")
                                .picker("shuffled_list", "Meat", "Rice", "Soup")
                                .build()),
                Arguments.of(Topics.FEEDBACK, TestEvents.confirmation(ID).build()),
                Arguments.of(Topics.LABELING_REQUESTS, labelingRequest()),
                Arguments.of(Topics.ANNOTATIONS, TestEvents.annotation(ID).build()),
                Arguments.of(Topics.LABELING_RECEIPTS, TestEvents.receipt(ID).build()),
                Arguments.of(
                        Topics.INFERENCE_DEAD_LETTER, TestEvents.deadLetter(ID).build()),
                Arguments.of(
                        Topics.ACCURACY_TUMBLING, TestEvents.accuracyWindow().build()),
                Arguments.of(
                        Topics.ACCURACY_TUMBLING,
                        TestEvents.accuracyWindow()
                                .userReliability(new AccuracyWindow.Rate(1, 1, 1.0))
                                .build()),
                Arguments.of(Topics.ACCURACY_TUMBLING, accuracyWindowWithProductionEstimate()),
                Arguments.of(Topics.RETRAIN_SIGNALS, TestEvents.retrainSignal().build()),
                Arguments.of(
                        Topics.RETRAIN_SIGNALS,
                        TestEvents.retrainSignal().labelsAccumulated(500).build()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("eventsOnTheirTopics")
    <V> void serializedEventMatchesItsSchemaAndReadsBackEqual(TopicSpec<V> topic, V event) {
        byte[] bytes = topic.valueSerde().serialize(topic.name(), event);

        assertThat(EventSchemas.violationsOfJson(topic.schemaResource(), new String(bytes, StandardCharsets.UTF_8)))
                .isEmpty();
        assertThat(topic.valueSerde().deserialize(topic.name(), bytes)).isEqualTo(event);
    }

    @Test
    void schemaRejectsAnEventMissingARequiredField() {
        String json = new String(
                        JsonSerde.of(Prediction.class)
                                .serialize(
                                        "predictions", TestEvents.prediction(ID).build()),
                        StandardCharsets.UTF_8)
                .replace("\"confidence\":0.62,", "");

        assertThat(EventSchemas.violationsOfJson(Topics.PREDICTIONS.schemaResource(), json))
                .anySatisfy(v -> assertThat(v).contains("confidence"));
    }

    @Test
    void correctionWithoutItsLabelViolatesTheSchema() {
        Feedback bad = new Feedback("u", FeedbackKind.CORRECTION, null, TestEvents.AT, null);

        assertThat(EventSchemas.violations(Topics.FEEDBACK.schemaResource(), bad))
                .isNotEmpty();
    }

    @Test
    void feedbackWrittenBeforeConfirmationsAndPickersStillValidatesAndReads() {
        String old = "{\"schemaVersion\":1,\"uploadId\":\"0b6f2a1c-8a43-4c7e-9d55-5f1f2f3c4d5e\",\"kind\":\"flag\","
                + "\"correctedLabel\":null,\"at\":\"2026-11-23T10:15:30.123Z\",\"client\":null}";

        assertThat(EventSchemas.violationsOfJson(Topics.FEEDBACK.schemaResource(), old))
                .isEmpty();
        assertThat(Topics.FEEDBACK.valueSerde().deserialize("feedback", old.getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(new Feedback(
                        "0b6f2a1c-8a43-4c7e-9d55-5f1f2f3c4d5e", FeedbackKind.FLAG, null, TestEvents.AT, null));
    }

    @Test
    void confirmationIsWrittenAsDocumented() {
        String json = new String(
                Topics.FEEDBACK
                        .valueSerde()
                        .serialize("feedback", TestEvents.confirmation(ID).build()),
                StandardCharsets.UTF_8);

        assertThat(json).contains("\"kind\":\"confirmation\"");
    }

    @Test
    void accuracyWindowWrittenBeforeUserReliabilityStillValidates() {
        String json = new String(
                        Topics.ACCURACY_TUMBLING
                                .valueSerde()
                                .serialize(
                                        "t",
                                        TestEvents.accuracyWindow()
                                                .userReliability(new AccuracyWindow.Rate(1, 1, 1.0))
                                                .build()),
                        StandardCharsets.UTF_8)
                .replaceFirst(",\"userReliability\":\\{[^}]*\\}", "");

        assertThat(json).doesNotContain("userReliability");
        assertThat(EventSchemas.violationsOfJson(Topics.ACCURACY_TUMBLING.schemaResource(), json))
                .isEmpty();
    }

    @Test
    void enumsAndTimestampsAreWrittenAsDocumented() {
        String json = new String(
                JsonSerde.of(LabelingRequest.class).serialize("t", labelingRequest()), StandardCharsets.UTF_8);

        assertThat(json)
                .contains(
                        "\"state\":\"open\"",
                        "\"reason\":\"low_confidence\"",
                        "\"requestedAt\":\"2026-11-23T10:15:30.123Z\"",
                        "\"schemaVersion\":1");
    }

    @Test
    void readerToleratesFieldsAddedByANewerWriter() {
        String json = new String(
                        JsonSerde.of(Upload.class)
                                .serialize("t", TestEvents.upload(ID).build()),
                        StandardCharsets.UTF_8)
                .replaceFirst("\\{", "{\"addedLater\":true,");

        assertThat(JsonSerde.of(Upload.class).deserialize("uploads", json.getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(TestEvents.upload(ID).build());
    }

    /** A window as accuracy-streams writes it now: with the production and design-based estimates, strata, bands and per-figure intervals. */
    private static AccuracyWindow accuracyWindowWithProductionEstimate() {
        AccuracyWindow w = TestEvents.accuracyWindow().counts(3, 2).build();
        AccuracyWindow.Estimate exact = new AccuracyWindow.Estimate(0.5, 0.5, 0.5, 2, false);
        return new AccuracyWindow(
                w.schemaVersion(),
                w.windowType(),
                w.windowStart(),
                w.windowEnd(),
                w.model(),
                w.labelled(),
                w.correct(),
                w.byReason(),
                w.byPredictedClass(),
                w.byTrueClass(),
                w.confusion(),
                w.randomStratum(),
                w.weighted(),
                w.rawLabelledAccuracyBiased(),
                w.correctionAgreement(),
                w.flagPrecision(),
                w.updatedAt(),
                new AccuracyWindow.Estimate(0.9, 0.7, 0.98, 3, false),
                Map.of(
                        "low_confidence",
                        new AccuracyWindow.Stratum(2, 1.1, 2, 2, 1, exact),
                        "other",
                        new AccuracyWindow.Stratum(48, 44.0, 1, 1, 1, AccuracyWindow.Estimate.insufficient(1))),
                Map.of(
                        "0.50-0.70",
                        new AccuracyWindow.ConfidenceBand(2, 1.1, 0, 0),
                        "0.90-0.95",
                        new AccuracyWindow.ConfidenceBand(48, 44.0, 1, 1)),
                50L,
                Map.of("random", AccuracyWindow.Estimate.insufficient(1)),
                Map.of("Soup", AccuracyWindow.Estimate.insufficient(3)),
                Map.of("Soup", AccuracyWindow.Estimate.insufficient(2)),
                w.userReliability(),
                new AccuracyWindow.Estimate(0.88, 0.6, 0.99, 3, false),
                AccuracyWindow.SMALL_AREA);
    }

    @Test
    void anAccuracyWindowWrittenBeforeTheProductionEstimateStillReadsAndValidates() {
        AccuracyWindow older = TestEvents.accuracyWindow().counts(3, 2).build();
        // what the old writer produced: none of the new fields, not even as null
        String json = new String(JsonSerde.of(AccuracyWindow.class).serialize("t", older), StandardCharsets.UTF_8)
                .replaceAll(
                        ",\\s*\"(production|strata|byConfidenceBand|predictions|byReasonEstimate|"
                                + "byPredictedClassEstimate|byTrueClassEstimate|insufficient|designBased|productionMethod)\":null",
                        "");

        assertThat(json).doesNotContain("production", "insufficient");
        assertThat(EventSchemas.violationsOfJson(Topics.ACCURACY_TUMBLING.schemaResource(), json))
                .isEmpty();
        assertThat(Topics.ACCURACY_TUMBLING.valueSerde().deserialize("t", json.getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(older);
    }

    @Test
    void everyCatalogTopicHasASchemaOnTheClasspath() {
        List<String> missing = Topics.all().stream()
                .map(TopicSpec::schemaResource)
                .filter(r -> EventSchemaTest.class.getResource(r) == null)
                .toList();

        assertThat(missing).isEmpty();
    }
}
