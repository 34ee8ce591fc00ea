package io.gourmetgram.loop.support.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.gourmetgram.loop.events.Prediction;
import io.gourmetgram.loop.events.testing.TestEvents;
import io.gourmetgram.loop.events.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PredictionJsonTest {

    private static final String TOPIC = Topics.PREDICTIONS.name();
    private final Deserializer<Prediction> serde =
            Topics.PREDICTIONS.valueSerde().deserializer();
    private final PredictionJson fast = new PredictionJson();

    @Nested
    class WhatProducersWrite {

        @Test
        void readsEveryPredictionExactlyAsTheTopicsSerdeDoesWithoutFallingBack() {
            Random random = new Random(11);
            for (int i = 0; i < 2_000; i++) {
                Prediction written = TestEvents.prediction("upload-" + i + "-crème")
                        .confidence(random.nextDouble())
                        .scoredAt(Instant.ofEpochSecond(
                                random.nextLong(-50_000_000_000L, 200_000_000_000L),
                                i % 3 == 0 ? 0 : random.nextInt(1_000_000_000)))
                        .build();
                byte[] json = Topics.PREDICTIONS.valueSerde().serialize(TOPIC, written);

                assertThat(PredictionJson.readCanonical(json)).isEqualTo(written);
                assertThat(fast.deserialize(TOPIC, json)).isEqualTo(serde.deserialize(TOPIC, json));
            }
        }

        @Test
        void fieldsInAnotherOrderAndFieldsItDoesNotKnowReadTheSame() {
            String json = """
                    {"future":{"a":[1,{"b":2}]},"scoredAt":"2026-11-30T12:00:00.5Z","inferenceMillis":3,
                     "topK":[{"probability":0.5,"extra":null,"index":3,"label":"Egg"}],"confidence":1,"labelIndex":3,
                     "label":"Egg","model":{"version":"1","id":"m","x":true},"object":{"key":"k.jpg","bucket":"b"},
                     "uploadId":"u-1","schemaVersion":1}""";

            assertThat(PredictionJson.readCanonical(utf8(json))).isNotNull();
            assertSameAsSerde(json);
        }
    }

    @Nested
    class AnythingElseIsTheSerdesCall {

        @ParameterizedTest
        @ValueSource(
                strings = {
                    // coerced by the serde: a string where a number belongs, a number where a string belongs
                    "\"confidence\":0.5",
                    "\"confidence\":\"0.5\"",
                    "\"labelIndex\":\"3\"",
                    "\"label\":7",
                    // a float for an int, null for a primitive, a missing primitive
                    "\"labelIndex\":3.0",
                    "\"labelIndex\":null",
                    "\"labelIndex\":99999999999",
                    // instants in other forms, or impossible ones
                    "\"scoredAt\":\"2026-11-30T12:00:00+01:00\"",
                    "\"scoredAt\":\"2026-11-30T12:00:00.1234567891Z\"",
                    "\"scoredAt\":\"2026-02-30T12:00:00Z\"",
                    "\"scoredAt\":\"2026-11-30T23:59:60Z\"",
                    "\"scoredAt\":1764504000.5",
                    "\"scoredAt\":null",
                    "\"scoredAt\":\"yesterday\"",
                    "\"scoredAt\":\"+12026-11-30T12:00:00Z\"",
                    "\"scoredAt\":\"2026-11-30t12:00:00z\"",
                    // nested values absent, null or of the wrong shape
                    "\"object\":null",
                    "\"object\":{\"bucket\":\"b\"}",
                    "\"object\":\"b/k\"",
                    "\"model\":null",
                    "\"model\":{\"id\":\"m\"}",
                    "\"topK\":null",
                    "\"topK\":[null]",
                    "\"topK\":[{\"label\":\"Egg\"}]",
                    "\"topK\":{}",
                    "\"uploadId\":null",
                    "\"schemaVersion\":2"
                })
        void aFieldInAnyOtherFormReadsAsTheSerdeReadsItOrFailsAsItFails(String field) {
            String name = field.substring(0, field.indexOf(':'));
            String json = canonical()
                    .replaceFirst(
                            Pattern.quote(name) + ":(\"[^\"]*\"|\\{[^}]*\\}|\\[[^\\]]*\\]|[^,}]*)",
                            Matcher.quoteReplacement(field));
            assertThat(json).contains(field);
            assertSameAsSerde(json);
        }

        @ParameterizedTest
        @ValueSource(
                strings = {
                    "",
                    "null",
                    "[]",
                    "{",
                    "{}",
                    "not json",
                    "{\"uploadId\":\"u-1\"}",
                    "{\"uploadId\":\"u-1\",\"uploadId\":\"u-2\"}"
                })
        void bytesThatAreNoPredictionFailWithTheSerdesMessage(String json) {
            assertSameAsSerde(json);
        }

        @Test
        void aFieldGivenTwiceOrTrailingTokensAreTheSerdesCall() {
            String canonical = canonical();
            assertSameAsSerde(canonical.replace("{\"schemaVersion\":1", "{\"label\":\"Rice\",\"schemaVersion\":1"));
            assertSameAsSerde(canonical + " {}");
            assertSameAsSerde(canonical.replace("\"bucket\"", "\"key\":\"x\",\"bucket\""));
        }
    }

    private static String canonical() {
        return new String(
                Topics.PREDICTIONS
                        .valueSerde()
                        .serialize(TOPIC, TestEvents.prediction("u-1").build()),
                StandardCharsets.UTF_8);
    }

    private void assertSameAsSerde(String json) {
        byte[] bytes = utf8(json);
        Object expected;
        try {
            expected = serde.deserialize(TOPIC, bytes);
        } catch (RuntimeException e) {
            expected = e;
        }
        if (expected instanceof RuntimeException failure) {
            Throwable actual = catchThrowable(() -> fast.deserialize(TOPIC, bytes));
            assertThat(actual).isInstanceOf(failure.getClass()).hasMessage(failure.getMessage());
        } else {
            assertThat(fast.deserialize(TOPIC, bytes)).isEqualTo(expected);
        }
    }

    private static byte[] utf8(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }
}
