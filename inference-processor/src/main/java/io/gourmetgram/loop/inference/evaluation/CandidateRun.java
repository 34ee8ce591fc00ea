package io.gourmetgram.loop.inference.evaluation;

import ai.onnxruntime.OrtException;
import io.gourmetgram.loop.events.SuiteManifestEntry;
import io.gourmetgram.loop.inference.model.ImageClassifier;
import io.gourmetgram.loop.inference.preprocessing.ImageDecoder;
import io.gourmetgram.loop.inference.preprocessing.ImagePreprocessor;
import io.gourmetgram.loop.inference.preprocessing.UndecodableImageException;
import io.gourmetgram.loop.inference.storage.ImageUnavailableException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a candidate model over a suite's photos with the inference stage's own decoding and
 * preprocessing ({@link ImageDecoder}, {@link ImagePreprocessor} from the model's sidecar) and
 * batched scoring ({@link ImageClassifier}), so the candidate sees each photo exactly as it would in
 * production.
 */
public final class CandidateRun {

    private static final int BATCH = 16;

    private CandidateRun() {}

    /** The candidate's top-1 per photo, and the photos it could not be given (with why). */
    public record Answers(List<ModelComparison.Outcome> outcomes, List<String> skipped) {}

    public static Answers run(ImageClassifier classifier, TestSuite suite) throws IOException, OrtException {
        ImagePreprocessor preprocessor =
                new ImagePreprocessor(classifier.files().sidecar());
        List<String> labels = classifier.files().labels();
        List<ModelComparison.Outcome> outcomes = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        List<SuiteManifestEntry> batch = new ArrayList<>();
        List<float[]> tensors = new ArrayList<>();
        for (SuiteManifestEntry entry : suite.entries()) {
            try {
                tensors.add(preprocessor.toTensor(ImageDecoder.decode(suite.photo(entry))));
                batch.add(entry);
            } catch (ImageUnavailableException | UndecodableImageException e) {
                skipped.add(entry.uploadId() + ": " + e.getMessage());
            }
            if (batch.size() == BATCH) {
                score(classifier, labels, batch, tensors, outcomes);
            }
        }
        score(classifier, labels, batch, tensors, outcomes);
        return new Answers(outcomes, skipped);
    }

    private static void score(
            ImageClassifier classifier,
            List<String> labels,
            List<SuiteManifestEntry> batch,
            List<float[]> tensors,
            List<ModelComparison.Outcome> outcomes)
            throws OrtException {
        float[][] probabilities = classifier.classify(tensors);
        for (int i = 0; i < batch.size(); i++) {
            outcomes.add(new ModelComparison.Outcome(batch.get(i), labels.get(argmax(probabilities[i]))));
        }
        batch.clear();
        tensors.clear();
    }

    private static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }
}
