package io.gourmetgram.loop.accuracy.topology;

import io.gourmetgram.loop.accuracy.app.AccuracyStreams;
import io.gourmetgram.loop.events.Annotation;
import io.gourmetgram.loop.events.AnnotationAction;
import io.gourmetgram.loop.events.LabelingRequest;
import io.gourmetgram.loop.events.ModelRef;
import io.gourmetgram.loop.events.Prediction;
import io.gourmetgram.loop.events.ReasonInclusion;
import io.gourmetgram.loop.events.ReviewReason;
import io.gourmetgram.loop.events.testing.TestEvents;
import io.gourmetgram.loop.events.topics.Topics;
import io.gourmetgram.loop.support.testing.TopologyHarness;
import java.time.Clock;
import java.time.Instant;

/** Requests and annotations as sampling-streams and labeling-sink write them. */
final class AccuracyFixtures {

    static final ModelRef MODEL = TestEvents.MODEL;

    private AccuracyFixtures() {}

    static LabelingRequest request(
            String id,
            Instant scoredAt,
            String predicted,
            double inclusion,
            String correction,
            ReviewReason... reasons) {
        return request(prediction(id, scoredAt, predicted, 0.6), inclusion, correction, reasons);
    }

    /** The request for a prediction, as sampling-streams writes it: every reason but the random one is certain. */
    static LabelingRequest request(
            Prediction prediction, double inclusion, String correction, ReviewReason... reasons) {
        return TestEvents.labelingRequest(prediction.uploadId())
                .prediction(prediction)
                .inclusions(java.util.Arrays.stream(reasons)
                        .map(r -> new ReasonInclusion(r, r == ReviewReason.RANDOM ? inclusion : 1.0))
                        .toArray(ReasonInclusion[]::new))
                .inclusionProbability(inclusion)
                .userCorrection(correction)
                .at(prediction.scoredAt())
                .build();
    }

    static Prediction prediction(String id, Instant scoredAt, String predicted, double confidence) {
        return TestEvents.prediction(id)
                .model(MODEL)
                .label(predicted)
                .confidence(confidence)
                .scoredAt(scoredAt)
                .build();
    }

    /** The accuracy topology under TopologyTestDriver with the production Streams configuration, its clock at {@code start}. */
    static TopologyHarness harness(AccuracySettings settings, Instant start) {
        return TopologyHarness.start(
                AccuracyTopology.build(settings, Clock.systemUTC()),
                "accuracy-streams",
                Topics.ACCURACY_DEAD_LETTER,
                AccuracyStreams.tuning(),
                start);
    }

    static Annotation annotation(
            String id, long annotationId, String label, AnnotationAction action, Instant updatedAt) {
        return TestEvents.annotation(id)
                .annotationId(annotationId)
                .label(label)
                .action(action)
                .updatedAt(updatedAt)
                .build();
    }
}
