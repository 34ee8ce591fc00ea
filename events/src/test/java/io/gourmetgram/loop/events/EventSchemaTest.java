package io.gourmetgram.loop.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.gourmetgram.loop.events.errors.DeadLetters;
import io.gourmetgram.loop.events.testing.EventSchemas;
import io.gourmetgram.loop.events.topics.TopicSpec;
import io.gourmetgram.loop.events.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class EventSchemaTest {

    static Stream<Arguments> eventsOnTheirTopics() {
        DeadLetter deadLetter = DeadLetters.describe("inference-processor", "uploads", 1, 7,
                "id-1".getBytes(StandardCharsets.UTF_8), new byte[] {(byte) 0xff, 0x00},
                new RecordHeaders().add("trace", "abc".getBytes(StandardCharsets.UTF_8)),
                new IllegalArgumentException("not an image"), Clock.fixed(EventSamples.AT, ZoneOffset.UTC));
        return Stream.of(
                Arguments.of(Topics.UPLOADS, EventSamples.upload()),
                Arguments.of(Topics.PREDICTIONS, EventSamples.prediction()),
                Arguments.of(Topics.FEEDBACK, EventSamples.correction()),
                Arguments.of(Topics.LABELING_REQUESTS, EventSamples.labelingRequest()),
                Arguments.of(Topics.ANNOTATIONS, EventSamples.annotation()),
                Arguments.of(Topics.LABELING_RECEIPTS, EventSamples.receipt()),
                Arguments.of(Topics.ACCURACY_TUMBLING, EventSamples.accuracyWindow()),
                Arguments.of(Topics.INFERENCE_DEAD_LETTER, deadLetter));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("eventsOnTheirTopics")
    <V> void serializedEventMatchesItsSchemaAndReadsBackEqual(TopicSpec<V> topic, V event) {
        byte[] bytes = topic.valueSerde().serialize(topic.name(), event);

        assertThat(EventSchemas.violationsOfJson(topic.schemaResource(), new String(bytes, StandardCharsets.UTF_8))).isEmpty();
        assertThat(topic.valueSerde().deserialize(topic.name(), bytes)).isEqualTo(event);
    }

    @Test
    void schemaRejectsAnEventMissingARequiredField() {
        String json = new String(JsonSerde.of(Prediction.class).serialize("predictions", EventSamples.prediction()),
                StandardCharsets.UTF_8).replace("\"confidence\":0.62,", "");

        assertThat(EventSchemas.violationsOfJson(Topics.PREDICTIONS.schemaResource(), json))
                .anySatisfy(v -> assertThat(v).contains("confidence"));
    }

    @Test
    void correctionWithoutItsLabelViolatesTheSchema() {
        Feedback bad = new Feedback("u", FeedbackKind.CORRECTION, null, EventSamples.AT, null);

        assertThat(EventSchemas.violations(Topics.FEEDBACK.schemaResource(), bad)).isNotEmpty();
    }

    @Test
    void enumsAndTimestampsAreWrittenAsDocumented() {
        String json = new String(JsonSerde.of(LabelingRequest.class).serialize("t", EventSamples.labelingRequest()),
                StandardCharsets.UTF_8);

        assertThat(json).contains("\"state\":\"open\"", "\"reason\":\"low_confidence\"",
                "\"requestedAt\":\"2026-11-23T10:15:30.123Z\"", "\"schemaVersion\":1");
    }

    @Test
    void readerToleratesFieldsAddedByANewerWriter() {
        String json = new String(JsonSerde.of(Upload.class).serialize("t", EventSamples.upload()), StandardCharsets.UTF_8)
                .replaceFirst("\\{", "{\"addedLater\":true,");

        assertThat(JsonSerde.of(Upload.class).deserialize("uploads", json.getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(EventSamples.upload());
    }

    @Test
    void anAccuracyWindowWrittenBeforeTheProductionEstimateStillReadsAndValidates() {
        AccuracyWindow current = EventSamples.accuracyWindow();
        AccuracyWindow older = new AccuracyWindow(current.schemaVersion(), current.windowType(), current.windowStart(),
                current.windowEnd(), current.model(), current.labelled(), current.correct(), current.byReason(),
                current.byPredictedClass(), current.byTrueClass(), current.confusion(),
                new AccuracyWindow.Estimate(1.0, 0.2065, 1.0, 1), new AccuracyWindow.Estimate(0.96, 0.88, 1.0, 1.1),
                current.rawLabelledAccuracyBiased(), current.correctionAgreement(), current.flagPrecision(),
                current.updatedAt());
        // what the old writer produced: none of the new fields, not even as null
        String json = new String(JsonSerde.of(AccuracyWindow.class).serialize("t", older), StandardCharsets.UTF_8)
                .replaceAll(",\\s*\"(production|strata|byConfidenceBand|predictions|byReasonEstimate|"
                        + "byPredictedClassEstimate|byTrueClassEstimate|insufficient)\":null", "");

        assertThat(json).doesNotContain("production", "insufficient");
        assertThat(EventSchemas.violationsOfJson(Topics.ACCURACY_TUMBLING.schemaResource(), json)).isEmpty();
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
