package io.gourmetgram.loop.accuracy.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gourmetgram.loop.events.AnnotationAction;
import io.gourmetgram.loop.events.JsonSerde;
import io.gourmetgram.loop.events.LabelingRequest;
import io.gourmetgram.loop.events.ModelRef;
import io.gourmetgram.loop.events.ReasonInclusion;
import io.gourmetgram.loop.events.ReviewReason;
import io.gourmetgram.loop.events.WindowType;
import io.gourmetgram.loop.events.testing.TestEvents;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

/** The internal binary form gives back exactly what was written, every field, and refuses anything else. */
class CompactFormatTest {

    static final Instant HOUR = Instant.parse("2026-11-24T10:00:00Z");
    static final ModelRef MODEL = new ModelRef("food11", "3");

    @Test
    void totalsWithEveryKindOfFigureComeBackEqual() {
        Contribution sampled = new Contribution(
                "u1",
                MODEL,
                HOUR.plusNanos(123_456_789),
                "Rice",
                "Soup",
                List.of("random", "corrected"),
                0.05,
                "Soup",
                true,
                0.93,
                true);
        Contribution unsure = new Contribution(
                "u2", MODEL, HOUR, "Egg", null, List.of("low_confidence"), 1.0, null, false, 0.41, null);
        WindowTotals totals = WindowTotals.empty(delta(null, sampled, null))
                .apply(delta(null, sampled, null))
                .apply(delta(null, unsure, null))
                .apply(delta(null, null, new WindowDelta.PredictionSeen(MODEL, 0.93, "Rice")))
                .apply(delta(null, null, new WindowDelta.PredictionSeen(MODEL, 0.41, null)));
        assertThat(totals.confusion()).isNotEmpty();
        assertThat(totals.byTrueClassWeights()).isNotEmpty();
        assertThat(totals.bands()).isNotEmpty();

        assertThat(roundTrip(CompactFormat.totals(), totals)).isEqualTo(totals);
        WindowTotals tumbling = totals.in(WindowType.TUMBLING, HOUR, HOUR.plusSeconds(3600));
        assertThat(roundTrip(CompactFormat.totals(), tumbling)).isEqualTo(tumbling);
    }

    /** The per-upload stores: binary now, and what an earlier version stored there as JSON still reads the same. */
    @Test
    void perUploadStoresReadTheirBinaryFormAndTheJsonEarlierVersionsWrote() {
        LabelingRequest request = TestEvents.labelingRequest("u1")
                .prediction(TestEvents.prediction("u1")
                        .label("Rice")
                        .confidence(0.62)
                        .scoredAt(HOUR.plusNanos(5))
                        .build())
                .inclusions(
                        new ReasonInclusion(ReviewReason.FLAGGED, 1.0), new ReasonInclusion(ReviewReason.RANDOM, 0.05))
                .inclusionProbability(1.0)
                .build();
        LatestRequest latest = LatestRequest.of(request);
        assertThat(latest.flagged()).isTrue();
        assertThat(latest.reasons()).containsExactly("flagged", "random");

        assertThat(roundTrip(CompactFormat.latestRequests(), latest)).isEqualTo(latest);
        byte[] formerRequest = JsonSerde.of(LabelingRequest.class).serialize("t", request);
        assertThat(CompactFormat.latestRequests().deserializer().deserialize("t", formerRequest))
                .isEqualTo(latest);

        UploadAnnotations annotations = UploadAnnotations.NONE
                .with(TestEvents.annotation("u1")
                        .annotationId(7)
                        .label("Soup")
                        .updatedAt(HOUR.plusNanos(9))
                        .build())
                .with(TestEvents.annotation("u1")
                        .annotationId(8)
                        .label("Rice")
                        .action(AnnotationAction.UPDATED)
                        .build());
        assertThat(annotations.byId()).hasSize(2);
        assertThat(roundTrip(CompactFormat.uploadAnnotations(), annotations)).isEqualTo(annotations);
        byte[] formerAnnotations = JsonSerde.of(UploadAnnotations.class).serialize("t", annotations);
        assertThat(CompactFormat.uploadAnnotations().deserializer().deserialize("t", formerAnnotations))
                .isEqualTo(annotations);

        Contribution c = new Contribution(
                "u1", MODEL, HOUR.plusNanos(5), "Rice", "Soup", List.of("flagged"), 1.0, null, true, 0.62, null);
        assertThat(roundTrip(CompactFormat.contributions(), c)).isEqualTo(c);
        byte[] formerContribution = JsonSerde.of(Contribution.class).serialize("t", c);
        assertThat(CompactFormat.contributions().deserializer().deserialize("t", formerContribution))
                .isEqualTo(c);
    }

    @Test
    void deltasComeBackEqualWithTheirNanosecondsAndMissingFields() {
        Contribution c = new Contribution(
                "u1", MODEL, HOUR.plusNanos(1), "Rice", null, List.of(), 0.5, null, false, null, false);
        for (WindowDelta d : List.of(
                delta(null, c, null),
                delta(WindowType.ROLLING, null, new WindowDelta.PredictionSeen(MODEL, 0.7, "Rice")))) {
            assertThat(roundTrip(CompactFormat.deltas(), d)).isEqualTo(d);
        }
    }

    @Test
    void jsonOrAnotherFormatIsRefusedNotMisread() {
        byte[] json = "{\"labelled\":1}".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> CompactFormat.totals().deserializer().deserialize("accuracy-windows", json))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("WindowTotals");
    }

    private static WindowDelta delta(WindowType type, Contribution c, WindowDelta.PredictionSeen p) {
        return new WindowDelta(type, HOUR, HOUR.plusSeconds(3600), 1, c, p);
    }

    private static <T> T roundTrip(Serde<T> serde, T value) {
        return serde.deserializer().deserialize("t", serde.serializer().serialize("t", value));
    }
}
