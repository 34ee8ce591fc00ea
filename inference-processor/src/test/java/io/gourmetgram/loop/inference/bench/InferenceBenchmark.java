package io.gourmetgram.loop.inference.bench;

import io.gourmetgram.loop.inference.model.ImageClassifier;
import io.gourmetgram.loop.inference.model.ModelFiles;
import io.gourmetgram.loop.inference.model.ModelSidecar;
import io.gourmetgram.loop.inference.model.TestModels;
import io.gourmetgram.loop.inference.preprocessing.ImagePreprocessor;
import io.gourmetgram.loop.inference.preprocessing.OpenCvPhotoTensors;
import io.gourmetgram.loop.inference.preprocessing.PhotoTensors;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

/**
 * Speed of the scoring path without Kafka, S3 or HTTP (not a test): ONNX Runtime alone at batch 1,
 * 8 and 16; decode + preprocessing per photo for each decoder; and the in-process limit — this
 * project's decoding and preprocessing feeding ONNX Runtime batches of 16 with every core busy, the
 * next batch decoding while the model runs, as the service does.
 *
 * <p>Arguments: photo folder, rounds, output file (a Markdown fragment). The model comes from
 * -Dgourmetgram.bench.model. Run through {@code ./bench} (BENCHMARKS.md).
 */
public final class InferenceBenchmark {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    public static void main(String[] args) throws Exception {
        Path photoDir = Path.of(args.length > 0 ? args[0] : "test-fixtures/food11");
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Path out = args.length > 2 ? Path.of(args[2]) : null;
        List<byte[]> photos = photos(photoDir);
        int cores = Runtime.getRuntime().availableProcessors();
        ModelFiles files = TestModels.benchModel();
        StringBuilder md = new StringBuilder();

        md.append("### ONNX Runtime alone (")
                .append(files.onnxLocation())
                .append(")\n\n")
                .append("| batch | ms per batch (median of ")
                .append(rounds * 5)
                .append(") | images/s | CPU ms per image |\n")
                .append("| --- | --- | --- | --- |\n");
        float[] tensor;
        try (ImageClassifier classifier = ImageClassifier.load(files, 0)) {
            tensor =
                    PhotoTensors.imageIo(new ImagePreprocessor(files.sidecar())).fromPhoto(photos.getFirst());
            for (int batch : new int[] {1, 8, 16}) {
                List<float[]> input = java.util.Collections.nCopies(batch, tensor);
                classifier.classify(input); // warm-up
                double[] ms = new double[rounds * 5];
                long cpu = processCpuNanos();
                for (int r = 0; r < ms.length; r++) {
                    long t = System.nanoTime();
                    classifier.classify(input);
                    ms[r] = (System.nanoTime() - t) / 1e6;
                }
                double cpuPerImage = (processCpuNanos() - cpu) / 1e6 / (ms.length * batch);
                md.append(String.format(
                        "| %d | %.1f | %.0f | %.1f |%n", batch, median(ms), batch * 1000 / median(ms), cpuPerImage));
            }
        }
        md.append("\n").append(load()).append("\n\n");

        Map<String, PhotoTensors> decoders = decoders(files.sidecar());
        md.append("### Decode + preprocess, one thread, ")
                .append(photos.size())
                .append(" photos from `")
                .append(photoDir)
                .append("`\n\n| decoder | CPU ms per photo (median of ")
                .append(rounds)
                .append(" rounds) |\n| --- | --- |\n");
        for (Map.Entry<String, PhotoTensors> decoder : decoders.entrySet()) {
            double[] perPhoto = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                long cpu = THREADS.getCurrentThreadCpuTime();
                for (byte[] photo : photos) {
                    decoder.getValue().fromPhoto(photo);
                }
                perPhoto[r] = (THREADS.getCurrentThreadCpuTime() - cpu) / 1e6 / photos.size();
            }
            md.append(String.format("| %s | %.1f |%n", decoder.getKey(), median(perPhoto)));
        }
        md.append("\n").append(load()).append("\n\n");

        int images = photos.size() * 10;
        md.append("### In-process limit: ")
                .append(images)
                .append(" photos, batches of 16, ")
                .append(cores)
                .append(
                        " decode threads + ONNX Runtime's default intra-op threads, next batch decoding during the model run\n\n")
                .append("| decoder | images/s (best of ")
                .append(rounds)
                .append(") | CPU ms per image |\n| --- | --- | --- |\n");
        try (ImageClassifier classifier = ImageClassifier.load(files, 0)) {
            ExecutorService pool = Executors.newFixedThreadPool(cores);
            try {
                for (Map.Entry<String, PhotoTensors> decoder : decoders.entrySet()) {
                    double best = 0;
                    double cpuPerImage = 0;
                    for (int r = 0; r < rounds; r++) {
                        long cpu = processCpuNanos();
                        long t = System.nanoTime();
                        pipelined(photos, images, decoder.getValue(), classifier, pool);
                        double perSecond = images / ((System.nanoTime() - t) / 1e9);
                        if (perSecond > best) {
                            best = perSecond;
                            cpuPerImage = (processCpuNanos() - cpu) / 1e6 / images;
                        }
                    }
                    md.append(String.format("| %s | %.1f | %.1f |%n", decoder.getKey(), best, cpuPerImage));
                }
            } finally {
                pool.shutdownNow();
            }
        }
        md.append("\n").append(load()).append("\n");
        System.out.println(md);
        if (out != null) {
            Files.writeString(out, md);
        }
    }

    /** The three ways a photo becomes a tensor, as the service can be configured. */
    private static Map<String, PhotoTensors> decoders(ModelSidecar sidecar) {
        ImagePreprocessor preprocessor = new ImagePreprocessor(sidecar);
        Map<String, PhotoTensors> decoders = new LinkedHashMap<>();
        decoders.put("ImageIO (before)", PhotoTensors.imageIo(preprocessor));
        decoders.put("OpenCV libjpeg-turbo, full size (default)", OpenCvPhotoTensors.orImageIo(preprocessor, false));
        decoders.put(
                "OpenCV, reduced DCT scale (sidecar `jpegReducedDecoding`)",
                OpenCvPhotoTensors.orImageIo(preprocessor, true));
        return decoders;
    }

    /** Batches of 16: decoding of batch n+1 is queued before batch n's model run, as in the service's loop. */
    static void pipelined(
            List<byte[]> photos, int images, PhotoTensors decoder, ImageClassifier classifier, ExecutorService pool)
            throws Exception {
        List<CompletableFuture<float[]>> current = submit(photos, 0, Math.min(16, images), decoder, pool);
        for (int start = 16; ; start += 16) {
            List<CompletableFuture<float[]>> next =
                    start < images ? submit(photos, start, Math.min(start + 16, images), decoder, pool) : List.of();
            classifier.classify(current.stream().map(CompletableFuture::join).toList());
            if (next.isEmpty()) {
                return;
            }
            current = next;
        }
    }

    private static List<CompletableFuture<float[]>> submit(
            List<byte[]> photos, int from, int to, PhotoTensors decoder, ExecutorService pool) {
        List<CompletableFuture<float[]>> futures = new ArrayList<>();
        for (int i = from; i < to; i++) {
            byte[] photo = photos.get(i % photos.size());
            futures.add(CompletableFuture.supplyAsync(() -> decoder.fromPhoto(photo), pool));
        }
        return futures;
    }

    private static List<byte[]> photos(Path dir) throws IOException {
        List<byte[]> photos = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p :
                    files.filter(f -> f.toString().endsWith(".jpg")).sorted().toList()) {
                photos.add(Files.readAllBytes(p));
            }
        }
        return photos;
    }

    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** Other work on the machine skews wall-clock figures; CPU ms per image much less so. */
    static String load() {
        try {
            return "_Load average while measured: "
                    + Files.readString(Path.of("/proc/loadavg")).trim() + " ("
                    + Runtime.getRuntime().availableProcessors() + " cores)._";
        } catch (IOException e) {
            return "";
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
