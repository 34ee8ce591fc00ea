package io.gourmetgram.loop.sampling.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gourmetgram.loop.events.JsonSerde;
import io.gourmetgram.loop.events.ModelRef;
import io.gourmetgram.loop.events.ObjectRef;
import io.gourmetgram.loop.events.Prediction;
import io.gourmetgram.loop.events.RequestState;
import io.gourmetgram.loop.events.ReviewReason;
import io.gourmetgram.loop.events.ScoredLabel;
import io.gourmetgram.loop.events.testing.TestEvents;
import io.gourmetgram.loop.sampling.budget.HourlyCount;
import java.lang.reflect.RecordComponent;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/** The stores' binary form keeps every field, and a stage upgraded in place still reads its JSON changelogs. */
class StateSerdeTest {

    private static final Prediction PREDICTION = new Prediction(
            1,
            "upload-ü-1",
            new ObjectRef("production", "uploads/2026/11/30/upload-ü-1.jpg"),
            new ModelRef("food11", "7"),
            "Rice",
            7,
            0.61,
            List.of(new ScoredLabel("Rice", 7, 0.61), new ScoredLabel("Egg", 3, 0.2)),
            12.5,
            Instant.parse("2026-11-30T12:00:00.123456789Z"));

    @Test
    void everyFieldOfAReviewStateSurvivesTheStore() {
        ReviewState decided = new ReviewState(
                PREDICTION,
                EnumSet.of(ReviewReason.LOW_CONFIDENCE, ReviewReason.CORRECTED),
                "Egg",
                3,
                RequestState.SKIPPED_BUDGET,
                Instant.parse("2026-11-30T12:00:01Z"));
        ReviewState undecided = ReviewState.of(TestEvents.prediction("u2").build(), EnumSet.noneOf(ReviewReason.class));

        assertThat(roundTrip(StateSerde.REVIEW_STATE, decided)).isEqualTo(decided);
        assertThat(roundTrip(StateSerde.REVIEW_STATE, undecided)).isEqualTo(undecided);
    }

    @Test
    void earlyFeedbackAndHourlyCountsSurviveTheStore() {
        ReviewState.EarlyFeedback waiting = new ReviewState.EarlyFeedback(true, null, 4_000, 1_764_000_000_000L);
        HourlyCount count = new HourlyCount(12_345, 200);

        assertThat(roundTrip(StateSerde.EARLY_FEEDBACK, waiting)).isEqualTo(waiting);
        assertThat(roundTrip(StateSerde.HOURLY_COUNT, count)).isEqualTo(count);
    }

    @Test
    void valuesWrittenAsJsonByEarlierVersionsAreStillRead() {
        ReviewState state =
                new ReviewState(PREDICTION, EnumSet.of(ReviewReason.RANDOM), null, 1, RequestState.OPEN, Instant.EPOCH);
        byte[] json = JsonSerde.of(ReviewState.class).serialize("changelog", state);
        byte[] count = JsonSerde.of(HourlyCount.class).serialize("changelog", new HourlyCount(5, 4));

        assertThat(StateSerde.REVIEW_STATE.deserialize("changelog", json)).isEqualTo(state);
        assertThat(StateSerde.HOURLY_COUNT.deserialize("changelog", count)).isEqualTo(new HourlyCount(5, 4));
    }

    @Test
    void aCorruptValueFailsNamingWhatItWas() {
        byte[] truncated = Arrays.copyOf(
                StateSerde.REVIEW_STATE.serialize(
                        "changelog", ReviewState.of(PREDICTION, EnumSet.noneOf(ReviewReason.class))),
                20);

        assertThatThrownBy(() -> StateSerde.REVIEW_STATE.deserialize("changelog", truncated))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("ReviewState");
        assertThatThrownBy(() -> StateSerde.HOURLY_COUNT.deserialize("changelog", new byte[] {9, 9}))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("unknown format");
    }

    /** The binary form lists fields by hand: a new field must be added to StateSerde, or it is lost on restore. */
    @Test
    void theBinaryFormKnowsEveryFieldOfTheStoredTypes() {
        assertThat(fields(Prediction.class))
                .containsExactly(
                        "schemaVersion",
                        "uploadId",
                        "object",
                        "model",
                        "label",
                        "labelIndex",
                        "confidence",
                        "topK",
                        "inferenceMillis",
                        "scoredAt");
        assertThat(fields(ObjectRef.class)).containsExactly("bucket", "key");
        assertThat(fields(ModelRef.class)).containsExactly("id", "version");
        assertThat(fields(ScoredLabel.class)).containsExactly("label", "index", "probability");
        assertThat(fields(ReviewState.class))
                .containsExactly("prediction", "reasons", "correction", "revision", "state", "requestedAt");
        assertThat(fields(ReviewState.EarlyFeedback.class))
                .containsExactly("flagged", "latestCorrection", "count", "firstSeenMillis");
        assertThat(fields(HourlyCount.class)).containsExactly("selected", "admitted");
    }

    private static <T> T roundTrip(StateSerde<T> serde, T value) {
        return serde.deserialize("changelog", serde.serialize("changelog", value));
    }

    private static List<String> fields(Class<? extends Record> type) {
        return Arrays.stream(type.getRecordComponents())
                .map(RecordComponent::getName)
                .toList();
    }
}
