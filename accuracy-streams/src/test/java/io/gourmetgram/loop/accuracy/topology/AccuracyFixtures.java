package io.gourmetgram.loop.accuracy.topology;

import io.gourmetgram.loop.events.Annotation;
import io.gourmetgram.loop.events.AnnotationAction;
import io.gourmetgram.loop.events.LabelingRequest;
import io.gourmetgram.loop.events.ModelRef;
import io.gourmetgram.loop.events.ReasonInclusion;
import io.gourmetgram.loop.events.ReviewReason;
import io.gourmetgram.loop.events.testing.TestEvents;
import java.time.Instant;

/** Requests and annotations as sampling-streams and labeling-sink write them. */
final class AccuracyFixtures {

    static final ModelRef MODEL = TestEvents.MODEL;

    private AccuracyFixtures() {
    }

    static LabelingRequest request(String id, Instant scoredAt, String predicted, double inclusion, String correction,
                                   ReviewReason... reasons) {
        return TestEvents.labelingRequest(id)
                .prediction(TestEvents.prediction(id).model(MODEL).label(predicted).confidence(0.6).scoredAt(scoredAt).build())
                .inclusions(java.util.Arrays.stream(reasons)
                        .map(r -> new ReasonInclusion(r, r == ReviewReason.RANDOM ? inclusion : 1.0))
                        .toArray(ReasonInclusion[]::new))
                .inclusionProbability(inclusion).userCorrection(correction).at(scoredAt).build();
    }

    static Annotation annotation(String id, long annotationId, String label, AnnotationAction action, Instant updatedAt) {
        return TestEvents.annotation(id).annotationId(annotationId).label(label).action(action).updatedAt(updatedAt).build();
    }
}
