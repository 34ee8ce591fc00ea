package io.gourmetgram.loop.inference.bench;

import io.gourmetgram.loop.events.Food11;
import io.gourmetgram.loop.events.testing.S3TestServer;
import io.gourmetgram.loop.events.testing.SharedFixtures;
import io.gourmetgram.loop.events.testing.TestEvents;
import io.gourmetgram.loop.events.topics.Topics;
import io.gourmetgram.loop.inference.InferenceProcessorApplication;
import io.gourmetgram.loop.inference.model.ImageClassifier;
import io.gourmetgram.loop.inference.model.ModelFiles;
import io.gourmetgram.loop.inference.model.TestModels;
import io.gourmetgram.loop.inference.preprocessing.ImagePreprocessor;
import io.gourmetgram.loop.inference.preprocessing.OpenCvPhotoTensors;
import io.gourmetgram.loop.inference.preprocessing.PhotoTensors;
import io.gourmetgram.loop.support.topics.TopicProvisioner;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.springframework.kafka.test.utils.KafkaTestUtils;

/**
 * Throughput of the real service on replayed {@code uploads} events of photos already in S3 (a
 * benchmark, not a test: skipped unless {@value #COUNT_PROPERTY} is set). An embedded KRaft broker
 * and S3Proxy run in this JVM together with the load generator; the service runs as its own JVM
 * (the application's main class on this classpath), so its CPU time is read from
 * {@code /proc/<pid>} and covers everything it does: Kafka clients, S3 client, decoding, ONNX
 * Runtime's native threads, GC and JIT. A warm-up pass scores every photo once first.
 *
 * <pre>
 * ./mvnw -B -o -q -pl inference-processor -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dit.test=ReplayBenchmarkIT -Dfailsafe.failIfNoSpecifiedTests=false -Dgourmetgram.bench.replay=270 \
 *     [-Dgourmetgram.bench.model=/work/shared/bench/mobilenetv2_food11_random.onnx] \
 *     [-Dgourmetgram.bench.photos=/work/shared/bench/images/food11] [-Dgourmetgram.bench.reduced=true] \
 *     [-Dgourmetgram.bench.rounds=3] [-Dgourmetgram.bench.paced=half|12] [-Dgourmetgram.bench.jvm="-Xmx512m"] [-Dgourmetgram.bench.env="INFERENCE_DECODE_THREADS=3"] \
 *     [-Dgourmetgram.bench.jfr=/tmp/replay.jfr] [-Dgourmetgram.bench.out=/tmp/replay.md]
 * </pre>
 *
 * <p>Settings of the service go in {@code gourmetgram.bench.env} as {@code NAME=value} pairs separated by spaces.
 */
@EnabledIfSystemProperty(named = ReplayBenchmarkIT.COUNT_PROPERTY, matches = "[1-9][0-9]*")
class ReplayBenchmarkIT {

    static final String COUNT_PROPERTY = "gourmetgram.bench.replay";
    /** Uploads per second of the latency run, or {@code half} (of the best round's); no latency run without it. */
    static final String PACED_PROPERTY = "gourmetgram.bench.paced";

    private static final String BUCKET = "production";
    private static final Duration TIMEOUT = Duration.ofMinutes(10);

    @Test
    void replayedUploadsThroughTheRunningService() throws Exception {
        int count = Integer.getInteger(COUNT_PROPERTY);
        int rounds = Integer.getInteger("gourmetgram.bench.rounds", 3);
        boolean reduced = Boolean.getBoolean("gourmetgram.bench.reduced");
        List<Path> photos = photos();
        Path work = Files.createTempDirectory("replay-bench");

        EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 1);
        broker.brokerProperties(
                Map.of("transaction.state.log.replication.factor", "1", "transaction.state.log.min.isr", "1"));
        broker.afterPropertiesSet();
        try (S3TestServer s3 = S3TestServer.start()) {
            String bootstrap = broker.getBrokersAsString();
            TopicProvisioner.ensure(
                    bootstrap, List.of(Topics.UPLOADS, Topics.PREDICTIONS, Topics.INFERENCE_DEAD_LETTER));
            List<String> keys = store(s3, photos);
            Map<String, String> env = serviceEnvironment(bootstrap, s3, work, reduced);
            ServiceProcess service = ServiceProcess.start(env, work.resolve("service.log"));
            StringBuilder md = new StringBuilder();
            try (KafkaProducer<String, byte[]> producer = producer(bootstrap);
                    KafkaConsumer<String, byte[]> predictions = predictionReader(bootstrap)) {
                awaitPredictions(predictions, publish(producer, keys, keys.size()), service); // warm-up (+ start-up)
                md.append(header(count, photos, reduced, env));
                Result best = null;
                for (int r = 0; r < rounds; r++) {
                    boolean profiled = r == rounds - 1 && System.getProperty("gourmetgram.bench.jfr") != null;
                    if (profiled) {
                        service.startRecording();
                    }
                    CpuSnapshot before = service.cpu();
                    long hostCpu = InferenceBenchmark.processCpuNanos();
                    long start = System.nanoTime();
                    Set<String> ids = publish(producer, keys, count);
                    awaitPredictions(predictions, ids, service);
                    double seconds = (System.nanoTime() - start) / 1e9;
                    CpuSnapshot after = service.cpu();
                    if (profiled) {
                        service.stopRecording(Path.of(System.getProperty("gourmetgram.bench.jfr")));
                    }
                    double hostMs = (InferenceBenchmark.processCpuNanos() - hostCpu) / 1e6 / count;
                    Result result = new Result(count / seconds, after.minus(before), count);
                    md.append(String.format(
                            "| %d | %.1f | %.1f | %.1f | %s |%n",
                            r + 1,
                            result.perSecond(),
                            result.cpuMsPerImage(),
                            hostMs,
                            result.cpu().timeShares("decode-", seconds)));
                    if (best == null || result.perSecond() > best.perSecond()) {
                        best = result;
                    }
                }
                String paced = System.getProperty(PACED_PROPERTY);
                if (paced != null) {
                    double rate = paced.equals("half") ? best.perSecond() / 2 : Double.parseDouble(paced);
                    md.append(pacedLatency(producer, predictions, keys, count, rate, service));
                }
                md.append("\nService resident memory at its peak (VmHWM): ")
                        .append(service.peakResidentMegabytes())
                        .append(" MB\n");
                md.append("\nCPU ms per image by thread of the service, best round (")
                        .append(InferenceBenchmark.load().replace("_", ""))
                        .append("):\n\n| threads | CPU ms per image |\n| --- | --- |\n");
                Result fastest = best;
                fastest.cpu().byThread().entrySet().stream()
                        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                        .filter(e -> e.getValue() > 0)
                        .forEach(e -> md.append(String.format(
                                "| %s | %.2f |%n", e.getKey(), ticksToMs(e.getValue()) / fastest.images())));
            } finally {
                service.stop();
            }
            md.append(inProcessLimit(photos, count, rounds, reduced));
            System.out.println(md);
            String out = System.getProperty("gourmetgram.bench.out");
            if (out != null) {
                Files.writeString(Path.of(out), md);
            }
        } finally {
            broker.destroy();
        }
    }

    /**
     * The same photos, model and decoding without Kafka, S3 or HTTP, in this JVM once the service has stopped
     * (the broker and S3 server idle): the limit the service is compared with, under the same machine load.
     */
    private static String inProcessLimit(List<Path> photos, int count, int rounds, boolean reduced) throws Exception {
        List<byte[]> bytes = new ArrayList<>();
        for (Path photo : photos) {
            bytes.add(Files.readAllBytes(photo));
        }
        ModelFiles files = System.getProperty(TestModels.BENCH_MODEL_PROPERTY) == null
                ? TestModels.demoModel(TestModels.seedSidecar("input", 64))
                : TestModels.benchModel();
        PhotoTensors tensors = OpenCvPhotoTensors.orImageIo(new ImagePreprocessor(files.sidecar()), reduced);
        StringBuilder md = new StringBuilder("\nIn-process limit, same photos, model and decoding (")
                .append(InferenceBenchmark.load().replace("_", ""))
                .append("):\n\n| round | images/s | CPU ms per image |\n| --- | --- | --- |\n");
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (ImageClassifier classifier = ImageClassifier.load(files, 0)) {
            InferenceBenchmark.pipelined(bytes, bytes.size(), tensors, classifier, pool); // warm-up
            for (int r = 0; r < rounds; r++) {
                long cpu = InferenceBenchmark.processCpuNanos();
                long start = System.nanoTime();
                InferenceBenchmark.pipelined(bytes, count, tensors, classifier, pool);
                double seconds = (System.nanoTime() - start) / 1e9;
                md.append(String.format(
                        "| %d | %.1f | %.1f |%n",
                        r + 1, count / seconds, (InferenceBenchmark.processCpuNanos() - cpu) / 1e6 / count));
            }
        } finally {
            pool.shutdownNow();
        }
        return md.toString();
    }

    private record Result(double perSecond, CpuSnapshot cpu, int images) {
        double cpuMsPerImage() {
            return ticksToMs(cpu.total()) / images;
        }
    }

    private static String header(int count, List<Path> photos, boolean reduced, Map<String, String> env) {
        String model = System.getProperty(TestModels.BENCH_MODEL_PROPERTY, "the built-in demo model (64×64)");
        String settings = env.entrySet().stream()
                .filter(e -> e.getKey().startsWith("INFERENCE_"))
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(" "));
        return "Replayed `uploads` → predictions, " + count + " events per round of "
                + photos.size() + " photos from `" + photos.getFirst().getParent() + "`; model "
                + model + "; jpegReducedDecoding=" + reduced + "; service JVM flags `"
                + System.getProperty("gourmetgram.bench.jvm", "") + "`; " + settings + "\n\n"
                + "| round | images/s | service CPU ms per image | broker + S3 + load generator CPU ms per image"
                + " | decode threads: % running / waiting for a core / idle |\n"
                + "| --- | --- | --- | --- | --- |\n";
    }

    private static List<Path> photos() throws IOException {
        String dir = System.getProperty("gourmetgram.bench.photos");
        if (dir == null) {
            return SharedFixtures.food11Photos();
        }
        try (Stream<Path> files = Files.list(Path.of(dir))) {
            return files.filter(p -> p.toString().endsWith(".jpg")).sorted().toList();
        }
    }

    private static List<String> store(S3TestServer s3, List<Path> photos) throws Exception {
        MinioClient minio = MinioClient.builder()
                .endpoint(s3.endpoint())
                .credentials(S3TestServer.ACCESS_KEY, S3TestServer.SECRET_KEY)
                .build();
        minio.makeBucket(MakeBucketArgs.builder().bucket(BUCKET).build());
        List<String> keys = new ArrayList<>();
        for (Path photo : photos) {
            byte[] bytes = Files.readAllBytes(photo);
            String key = "bench/" + photo.getFileName();
            minio.putObject(PutObjectArgs.builder().bucket(BUCKET).object(key).contentType("image/jpeg").stream(
                            new ByteArrayInputStream(bytes), bytes.length, -1)
                    .build());
            keys.add(key);
        }
        return keys;
    }

    private static Map<String, String> serviceEnvironment(String bootstrap, S3TestServer s3, Path work, boolean reduced)
            throws IOException {
        Map<String, String> env = new TreeMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
        env.put("S3_ENDPOINT", s3.endpoint());
        env.put("S3_ACCESS_KEY", S3TestServer.ACCESS_KEY);
        env.put("S3_SECRET_KEY", S3TestServer.SECRET_KEY);
        env.put("SERVER_PORT", "0");
        env.put("MANAGEMENT_SERVER_PORT", "0");
        env.put("ORT_DISABLE_TELEMETRY", "1");
        String model = System.getProperty(TestModels.BENCH_MODEL_PROPERTY);
        if (model != null || reduced) {
            env.put("MODEL_DIR", modelDir(work, model, reduced).toString());
        }
        for (String pair :
                System.getProperty("gourmetgram.bench.env", "").trim().split("\\s+")) {
            if (pair.contains("=")) {
                env.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
            }
        }
        return env;
    }

    /** model.onnx (the bench model, else the demo model's weights) and a sidecar with the seed's preprocessing. */
    private static Path modelDir(Path work, String model, boolean reduced) throws IOException {
        Path dir = Files.createDirectories(work.resolve("model"));
        int size = model == null ? 64 : 224;
        if (model == null) {
            try (var in = InferenceProcessorApplication.class.getResourceAsStream("/models/food11-demo/model.onnx")) {
                Files.write(dir.resolve("model.onnx"), in.readAllBytes());
            }
        } else {
            Files.copy(Path.of(model), dir.resolve("model.onnx"));
        }
        String labels = Food11.LABELS.stream().map(l -> "\"" + l + "\"").collect(Collectors.joining(", "));
        Files.writeString(dir.resolve("model.json"), """
                {"id": "bench", "version": "1", "labels": [%s],
                 "input": {"name": "input", "layout": "NCHW", "height": %d, "width": %d},
                 "output": {"name": "logits", "kind": "logits"},
                 "preprocessing": {"resize": "stretch", "resizeSize": %d, "cropSize": %d, "channelOrder": "RGB",
                   "scale": 0.00392156862745098, "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225],
                   "jpegReducedDecoding": %b}}
                """.formatted(labels, size, size, size, size, reduced));
        return dir;
    }

    private static Set<String> publish(KafkaProducer<String, byte[]> producer, List<String> keys, int count) {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < count; i++) {
            String id = UUID.randomUUID().toString();
            producer.send(new ProducerRecord<>(Topics.UPLOADS.name(), id, uploadEvent(id, keys.get(i % keys.size()))));
            ids.add(id);
        }
        producer.flush();
        return ids;
    }

    private static void awaitPredictions(
            KafkaConsumer<String, byte[]> predictions, Set<String> ids, ServiceProcess service) {
        Set<String> waiting = new HashSet<>(ids);
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!waiting.isEmpty()) {
            service.requireAlive();
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(waiting.size() + " of " + ids.size() + " predictions missing after "
                        + TIMEOUT + " (see the service log)");
            }
            predictions.poll(Duration.ofMillis(100)).forEach(r -> waiting.remove(r.key()));
        }
    }

    /**
     * Latency at a steady rate below the peak: {@code count} events sent one by one on a fixed schedule (the photos
     * round-robin, so the two multi-megapixel ones are 2 of every 27), each timed from its send to the moment its
     * prediction is readable by a read_committed consumer.
     */
    private static String pacedLatency(
            KafkaProducer<String, byte[]> producer,
            KafkaConsumer<String, byte[]> predictions,
            List<String> keys,
            int count,
            double perSecond,
            ServiceProcess service) {
        Map<String, Long> sentAt = new HashMap<>();
        Map<String, String> photoOf = new HashMap<>();
        List<Long> latencies = new ArrayList<>();
        Map<String, List<Long>> byPhoto = new TreeMap<>();
        long interval = (long) (1e9 / perSecond);
        long start = System.nanoTime();
        long deadline = start + TIMEOUT.toNanos();
        int sent = 0;
        while (latencies.size() < count) {
            service.requireAlive();
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("paced run: " + (count - latencies.size()) + " predictions missing");
            }
            while (sent < count && System.nanoTime() >= start + sent * interval) {
                String id = UUID.randomUUID().toString();
                String key = keys.get(sent % keys.size());
                producer.send(new ProducerRecord<>(Topics.UPLOADS.name(), id, uploadEvent(id, key)));
                producer.flush();
                sentAt.put(id, System.nanoTime());
                photoOf.put(id, key);
                sent++;
            }
            long wait = sent < count ? Math.max(1, (start + sent * interval - System.nanoTime()) / 1_000_000) : 50;
            for (var r : predictions.poll(Duration.ofMillis(wait))) {
                Long at = sentAt.remove(r.key());
                if (at != null) {
                    long ms = (System.nanoTime() - at) / 1_000_000;
                    latencies.add(ms);
                    byPhoto.computeIfAbsent(photoOf.get(r.key()), k -> new ArrayList<>())
                            .add(ms);
                }
            }
        }
        latencies.sort(null);
        StringBuilder md = new StringBuilder(String.format(
                "%nPaced run, %d events at %.1f/s: publish → prediction readable (read_committed) p50 %d ms, p90 %d ms,"
                        + " p99 %d ms, max %d ms%n",
                count,
                perSecond,
                percentile(latencies, 50),
                percentile(latencies, 90),
                percentile(latencies, 99),
                latencies.getLast()));
        md.append("Slowest photos (median ms): ");
        byPhoto.entrySet().stream()
                .map(e -> Map.entry(
                        e.getKey(), percentile(e.getValue().stream().sorted().toList(), 50)))
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(5)
                .forEach(e -> md.append(e.getKey().replace("bench/", ""))
                        .append(' ')
                        .append(e.getValue())
                        .append("; "));
        return md.append('\n').toString();
    }

    private static long percentile(List<Long> sorted, int p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    private static byte[] uploadEvent(String id, String key) {
        return Topics.UPLOADS
                .valueSerde()
                .serialize(
                        Topics.UPLOADS.name(),
                        TestEvents.upload(id).object(BUCKET, key).build());
    }

    private static KafkaProducer<String, byte[]> producer(String bootstrap) {
        return new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.LINGER_MS_CONFIG, 5),
                new StringSerializer(),
                new ByteArraySerializer());
    }

    private static KafkaConsumer<String, byte[]> predictionReader(String bootstrap) {
        Map<String, Object> config = KafkaTestUtils.consumerProps(bootstrap, "bench-" + UUID.randomUUID());
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"); // what downstream stages see
        KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(Topics.PREDICTIONS.name()));
        return consumer;
    }

    static double ticksToMs(long ticks) {
        return ticks * 1000.0 / CpuSnapshot.TICKS_PER_SECOND;
    }
}
