package io.gourmetgram.loop.inference.pipeline;

import io.gourmetgram.loop.events.ModelRef;
import io.gourmetgram.loop.events.Prediction;
import io.gourmetgram.loop.events.ScoredLabel;
import io.gourmetgram.loop.events.Upload;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/** Turns one row of class probabilities into a {@link Prediction}: top-1, confidence and top-k. */
final class PredictionFactory {

    private final ModelRef model;
    private final List<String> labels;
    private final int topK;

    PredictionFactory(ModelRef model, List<String> labels, int topK) {
        this.model = model;
        this.labels = labels;
        this.topK = Math.min(topK, labels.size());
    }

    Prediction predict(Upload upload, float[] probabilities, double inferenceMillis, Instant scoredAt) {
        List<ScoredLabel> ranked = IntStream.range(0, probabilities.length)
                .boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> probabilities[i])
                        .reversed())
                .limit(topK)
                .map(i -> new ScoredLabel(labels.get(i), i, probabilities[i]))
                .collect(java.util.stream.Collectors.toCollection(ArrayList::new));
        ScoredLabel best = ranked.getFirst();
        return new Prediction(
                upload.uploadId(),
                upload.object(),
                model,
                best.label(),
                best.index(),
                best.probability(),
                ranked,
                inferenceMillis,
                scoredAt);
    }
}
