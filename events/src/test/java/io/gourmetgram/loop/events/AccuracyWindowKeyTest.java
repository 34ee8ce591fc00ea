package io.gourmetgram.loop.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.gourmetgram.loop.events.topics.Topics;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The key the catalog documents for the accuracy topics is the key the code builds. */
class AccuracyWindowKeyTest {

    private static final Instant START = Instant.parse("2026-11-23T10:00:00Z");
    private static final ModelRef MODEL = new ModelRef("food11-demo", "1");

    @Test
    void theKeyIsWindowTypeThenWindowStartThenQualifiedModel() {
        assertThat(AccuracyWindow.key(WindowType.TUMBLING, START, MODEL))
                .isEqualTo("tumbling|2026-11-23T10:00:00Z|food11-demo:1");
        assertThat(AccuracyWindow.key(WindowType.ROLLING, START, MODEL))
                .isEqualTo("rolling|2026-11-23T10:00:00Z|food11-demo:1");
    }

    @Test
    void theCatalogDocumentsTheKeyTheCodeBuilds() {
        String documented = AccuracyWindow.KEY_FORMAT
                .replace("<windowType>", WindowType.TUMBLING.wireName())
                .replace("<windowStart>", START.toString())
                .replace("<model id:version>", MODEL.qualifiedName());

        assertThat(AccuracyWindow.key(WindowType.TUMBLING, START, MODEL)).isEqualTo(documented);
        assertThat(Topics.ACCURACY_TUMBLING.keyDescription()).isEqualTo(AccuracyWindow.KEY_FORMAT);
        assertThat(Topics.ACCURACY_ROLLING.keyDescription()).isEqualTo(AccuracyWindow.KEY_FORMAT);
    }

    @Test
    void everyReasonAndWindowTypeHasOneWireNameTheSameAsItsJson() {
        for (ReviewReason reason : ReviewReason.values()) {
            assertThat(EventJson.mapper().writeValueAsString(reason)).isEqualTo("\"" + reason.wireName() + "\"");
            assertThat(ReviewReason.fromWireName(reason.wireName())).contains(reason);
        }
        for (WindowType type : WindowType.values()) {
            assertThat(EventJson.mapper().writeValueAsString(type)).isEqualTo("\"" + type.wireName() + "\"");
        }
        assertThat(ReviewReason.fromWireName("LOW_CONFIDENCE"))
                .as("enum constant names are not wire names")
                .isEmpty();
    }
}
