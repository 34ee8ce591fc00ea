package io.gourmetgram.loop.ingest.view;

import static org.assertj.core.api.Assertions.assertThat;

import io.gourmetgram.loop.events.Prediction;
import io.gourmetgram.loop.events.Upload;
import io.gourmetgram.loop.events.testing.TestEvents;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class UploadViewTest {

    private final List<Prediction> delivered = new ArrayList<>();
    private final UploadView view = new UploadView(2, Runnable::run);

    @Test
    void knowsAnUploadAndLaterItsPrediction() {
        view.recordUpload(upload("a"));
        assertThat(view.find("a"))
                .hasValueSatisfying(known -> assertThat(known.prediction()).isNull());

        view.recordPrediction(prediction("a"));

        assertThat(view.find("a"))
                .hasValueSatisfying(
                        known -> assertThat(known.prediction().label()).isEqualTo("Soup"));
    }

    @Test
    void aPredictionThatArrivesFirstIsKeptForItsUpload() {
        view.recordPrediction(prediction("a"));
        assertThat(view.find("a")).as("a prediction alone is not an upload").isEmpty();

        view.recordUpload(upload("a"));

        assertThat(view.find("a"))
                .hasValueSatisfying(known -> assertThat(known.prediction()).isNotNull());
    }

    @Test
    void aLaterUploadRecordForTheSameIdCannotReplaceTheTokenOfTheFirst() {
        Upload original = upload("a");
        Upload forged = new Upload(
                "a",
                original.object(),
                original.contentType(),
                original.byteSize(),
                original.sha256(),
                original.width(),
                original.height(),
                "f".repeat(64),
                original.uploadedAt());
        view.recordUpload(original);

        view.recordUpload(forged);

        assertThat(view.find("a"))
                .hasValueSatisfying(known ->
                        assertThat(known.upload().feedbackTokenSha256()).isEqualTo(original.feedbackTokenSha256()));
    }

    @Test
    void evictsTheLeastRecentlyUsedUploadBeyondItsSize() {
        view.recordUpload(upload("a"));
        view.recordUpload(upload("b"));
        view.find("a");
        view.recordUpload(upload("c"));

        assertThat(view.size()).isEqualTo(2);
        assertThat(view.find("b")).isEmpty();
        assertThat(view.find("a")).isPresent();
        assertThat(view.find("c")).isPresent();
    }

    @Test
    void tellsAWaitingRequestOnceWhenThePredictionArrives() {
        view.recordUpload(upload("a"));
        view.onPrediction("a", delivered::add);

        view.recordPrediction(prediction("a"));
        view.recordPrediction(prediction("a"));

        assertThat(delivered).hasSize(1);
    }

    @Test
    void answersAtOnceWhenThePredictionIsAlreadyKnown() {
        view.recordUpload(upload("a"));
        view.recordPrediction(prediction("a"));

        view.onPrediction("a", delivered::add);

        assertThat(delivered).hasSize(1);
    }

    @Test
    void aCancelledWaitIsNotTold() {
        view.recordUpload(upload("a"));
        view.onPrediction("a", delivered::add).cancel();

        view.recordPrediction(prediction("a"));

        assertThat(delivered).isEmpty();
    }

    private static Upload upload(String id) {
        return TestEvents.upload(id)
                .uploadedAt(Instant.parse("2026-11-24T00:00:00Z"))
                .build();
    }

    private static Prediction prediction(String id) {
        return TestEvents.prediction(id)
                .confidence(0.9)
                .scoredAt(Instant.parse("2026-11-24T00:00:01Z"))
                .build();
    }
}
