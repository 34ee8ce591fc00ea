package io.gourmetgram.loop.events;

import java.time.Instant;
import java.util.List;

/** Realistic events, one of each type, for contract tests. */
final class EventSamples {

    static final Instant AT = Instant.parse("2026-11-23T10:15:30.123Z");
    static final String SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    static Upload upload() {
        return new Upload("0b6f2a1c-8a43-4c7e-9d55-5f1f2f3c4d5e", new ObjectRef("production", "2026/11/23/0b6f2a1c.jpg"),
                "image/jpeg", 123_456, SHA, 640, 480, SHA, AT);
    }

    static Prediction prediction() {
        return new Prediction("0b6f2a1c-8a43-4c7e-9d55-5f1f2f3c4d5e", new ObjectRef("production", "2026/11/23/0b6f2a1c.jpg"),
                new ModelRef("food11-demo", "1"), "Soup", 9, 0.62,
                List.of(new ScoredLabel("Soup", 9, 0.62), new ScoredLabel("Rice", 7, 0.2), new ScoredLabel("Meat", 5, 0.1)),
                12.5, AT);
    }

    static Feedback correction() {
        return new Feedback("0b6f2a1c-8a43-4c7e-9d55-5f1f2f3c4d5e", FeedbackKind.CORRECTION, "Rice", AT,
                new ClientInfo("Mozilla/5.0", "127.0.0.1"));
    }

    /** A correction picked on the web page from a shuffled list. */
    static Feedback pickedCorrection() {
        return new Feedback("0b6f2a1c-8a43-4c7e-9d55-5f1f2f3c4d5e", FeedbackKind.CORRECTION, "Rice", AT,
                new ClientInfo("Mozilla/5.0", "127.0.0.1"),
                new CorrectionPicker("shuffled_list", List.of("Meat", "Rice", "Soup", "Bread")));
    }

    static Feedback confirmation() {
        return new Feedback("0b6f2a1c-8a43-4c7e-9d55-5f1f2f3c4d5e", FeedbackKind.CONFIRMATION, null, AT,
                new ClientInfo("Mozilla/5.0", "127.0.0.1"));
    }

    static AccuracyWindow accuracyWindow() {
        return new AccuracyWindow(AccuracyWindow.SCHEMA_VERSION, "tumbling", AT, AT.plusSeconds(3600),
                new ModelRef("food11-demo", "1"), 2, 1,
                java.util.Map.of("random", new AccuracyWindow.Tally(2, 1)), java.util.Map.of(), java.util.Map.of(),
                java.util.Map.of("Soup", java.util.Map.of("Soup", 1L, "Rice", 1L)),
                new AccuracyWindow.Estimate(0.5, 0.09, 0.91, 2), new AccuracyWindow.Estimate(0.5, 0.0, 1.0, 2), 0.5,
                new AccuracyWindow.Rate(0, 0, null), new AccuracyWindow.Rate(0, 0, null), AT,
                new AccuracyWindow.Rate(1, 1, 1.0));
    }

    static LabelingRequest labelingRequest() {
        return new LabelingRequest("0b6f2a1c-8a43-4c7e-9d55-5f1f2f3c4d5e", 2, RequestState.OPEN,
                List.of(new ReasonInclusion(ReviewReason.LOW_CONFIDENCE, 1.0), new ReasonInclusion(ReviewReason.CORRECTED, 1.0)),
                1.0, prediction(), "Rice", AT, AT.plusSeconds(5));
    }

    static Annotation annotation() {
        return new Annotation("0b6f2a1c-8a43-4c7e-9d55-5f1f2f3c4d5e", 17, 42, "Rice", "3", 8.4,
                AnnotationAction.CREATED, AT, AT.plusSeconds(1));
    }

    static LabelingReceipt receipt() {
        return new LabelingReceipt("0b6f2a1c-8a43-4c7e-9d55-5f1f2f3c4d5e", 3, 17, 2,
                new ObjectRef("production", "2026/11/23/0b6f2a1c.jpg"), AT);
    }

    private EventSamples() {
    }
}
