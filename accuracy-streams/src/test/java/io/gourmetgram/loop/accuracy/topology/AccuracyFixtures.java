package io.gourmetgram.loop.accuracy.topology;

import io.gourmetgram.loop.events.Annotation;
import io.gourmetgram.loop.events.AnnotationAction;
import io.gourmetgram.loop.events.LabelingRequest;
import io.gourmetgram.loop.events.ModelRef;
import io.gourmetgram.loop.events.ObjectRef;
import io.gourmetgram.loop.events.Prediction;
import io.gourmetgram.loop.events.ReasonInclusion;
import io.gourmetgram.loop.events.RequestState;
import io.gourmetgram.loop.events.ReviewReason;
import io.gourmetgram.loop.events.ScoredLabel;
import java.time.Instant;
import java.util.List;

/** Requests and annotations as sampling-streams and labeling-sink write them. */
final class AccuracyFixtures {

    static final ModelRef MODEL = new ModelRef("food11-demo", "1");

    private AccuracyFixtures() {
    }

    static LabelingRequest request(String id, Instant scoredAt, String predicted, double inclusion, String correction,
                                   ReviewReason... reasons) {
        Prediction p = new Prediction(id, new ObjectRef("production", id + ".jpg"), MODEL, predicted, 0, 0.6,
                List.of(new ScoredLabel(predicted, 0, 0.6)), 2.0, scoredAt);
        List<ReasonInclusion> inclusions = java.util.Arrays.stream(reasons)
                .map(r -> new ReasonInclusion(r, r == ReviewReason.RANDOM ? inclusion : 1.0)).toList();
        return new LabelingRequest(id, 1, RequestState.OPEN, inclusions, inclusion, p, correction, scoredAt, scoredAt);
    }

    static Annotation annotation(String id, long annotationId, String label, AnnotationAction action, Instant updatedAt) {
        return new Annotation(id, 1, annotationId, label, "7", 3.0, action, updatedAt, updatedAt);
    }
}
