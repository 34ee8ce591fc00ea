package io.gourmetgram.loop.inference.bench;

import io.gourmetgram.loop.events.testing.SharedFixtures;
import io.gourmetgram.loop.inference.model.ImageClassifier;
import io.gourmetgram.loop.inference.model.ModelFiles;
import io.gourmetgram.loop.inference.model.TestModels;
import io.gourmetgram.loop.inference.preprocessing.ImageDecoder;
import io.gourmetgram.loop.inference.preprocessing.ImagePreprocessor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Speed of the scoring path on this machine (not a test): decode + preprocess per image, and the
 * ONNX session run per batch, with a MobileNetV2-sized model given by -Dgourmetgram.bench.model.
 * Run: see inference-processor/README.md, "Benchmark".
 */
public final class InferenceBenchmark {

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        ModelFiles files = TestModels.benchModel();
        List<byte[]> photos = new ArrayList<>();
        for (Path p : SharedFixtures.food11Photos()) {
            photos.add(Files.readAllBytes(p));
        }
        try (ImageClassifier classifier = ImageClassifier.load(files, 0)) {
            ImagePreprocessor preprocessor = new ImagePreprocessor(files.sidecar());
            List<float[]> tensors = new ArrayList<>();
            double[] decode = new double[rounds];
            double[] preprocess = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                tensors.clear();
                for (byte[] photo : photos) {
                    long t = System.nanoTime();
                    java.awt.image.BufferedImage image = ImageDecoder.decode(photo);
                    long decoded = System.nanoTime();
                    tensors.add(preprocessor.toTensor(image));
                    decode[r] += (decoded - t) / 1e6 / photos.size();
                    preprocess[r] += (System.nanoTime() - decoded) / 1e6 / photos.size();
                }
            }
            System.out.printf("decode: %.1f ms/image, preprocess: %.1f ms/image (medians of %d rounds over %d photos, 56 KB–3.3 MB JPEGs)%n",
                    median(decode), median(preprocess), rounds, photos.size());
            for (int batch : new int[] {1, 16}) {
                List<float[]> input = new ArrayList<>();
                for (int i = 0; i < batch; i++) {
                    input.add(tensors.get(i % tensors.size()));
                }
                classifier.classify(input); // warm-up
                double[] perBatch = new double[rounds * 4];
                for (int r = 0; r < perBatch.length; r++) {
                    long t = System.nanoTime();
                    classifier.classify(input);
                    perBatch[r] = (System.nanoTime() - t) / 1e6;
                }
                double ms = median(perBatch);
                System.out.printf("model run, batch %2d: median %.1f ms/batch = %.1f images/s%n", batch, ms, batch * 1000 / ms);
            }
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
