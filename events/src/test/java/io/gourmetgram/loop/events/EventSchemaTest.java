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
                Arguments.of(Topics.FEEDBACK, EventSamples.pickedCorrection()),
                Arguments.of(Topics.FEEDBACK, EventSamples.confirmation()),
                Arguments.of(Topics.ACCURACY_TUMBLING, EventSamples.accuracyWindow()),
                Arguments.of(Topics.LABELING_REQUESTS, EventSamples.labelingRequest()),
                Arguments.of(Topics.ANNOTATIONS, EventSamples.annotation()),
                Arguments.of(Topics.LABELING_RECEIPTS, EventSamples.receipt()),
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
    void feedbackWrittenBeforeConfirmationsAndPickersStillValidatesAndReads() {
        String old = "{\"schemaVersion\":1,\"uploadId\":\"0b6f2a1c-8a43-4c7e-9d55-5f1f2f3c4d5e\",\"kind\":\"flag\","
                + "\"correctedLabel\":null,\"at\":\"2026-11-23T10:15:30.123Z\",\"client\":null}";

        assertThat(EventSchemas.violationsOfJson(Topics.FEEDBACK.schemaResource(), old)).isEmpty();
        assertThat(Topics.FEEDBACK.valueSerde().deserialize("feedback", old.getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(new Feedback("0b6f2a1c-8a43-4c7e-9d55-5f1f2f3c4d5e", FeedbackKind.FLAG, null, EventSamples.AT, null));
    }

    @Test
    void confirmationIsWrittenAsDocumented() {
        String json = new String(Topics.FEEDBACK.valueSerde().serialize("feedback", EventSamples.confirmation()),
                StandardCharsets.UTF_8);

        assertThat(json).contains("\"kind\":\"confirmation\"");
    }

    @Test
    void accuracyWindowWrittenBeforeUserReliabilityStillValidates() {
        String json = new String(Topics.ACCURACY_TUMBLING.valueSerde().serialize("t", EventSamples.accuracyWindow()),
                StandardCharsets.UTF_8).replaceFirst(",\"userReliability\":\\{[^}]*\\}", "");

        assertThat(json).doesNotContain("userReliability");
        assertThat(EventSchemas.violationsOfJson(Topics.ACCURACY_TUMBLING.schemaResource(), json)).isEmpty();
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
    void everyCatalogTopicHasASchemaOnTheClasspath() {
        List<String> missing = Topics.all().stream()
                .map(TopicSpec::schemaResource)
                .filter(r -> EventSchemaTest.class.getResource(r) == null)
                .toList();

        assertThat(missing).isEmpty();
    }
}
