package io.gourmetgram.loop.localstack;

import io.gourmetgram.loop.events.AccuracyWindow;
import io.gourmetgram.loop.events.topics.Topics;
import io.gourmetgram.loop.labeling.fake.FakeLabelStudio;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The loop measured from outside, as a user meets it (not a test): the local stack (Kafka and S3 in
 * this JVM, every stage a child JVM from its exec jar, free ports) with a MobileNetV2-sized model;
 * photos uploaded over HTTP from 4 client threads until their predictions are readable; the same
 * upload events replayed (inference alone); latencies at half of the peak rate (upload → prediction,
 * → labeling request, → Label Studio task; annotation → accuracy record); resident memory per process
 * idle and under load; start → ready per stage; finally ingest-api alone. labeling-sink imports into
 * labeling-sink's test fake of Label Studio (in this JVM), where an {@link Annotator} labels every task
 * 2 s after it appears, through the fake's webhook as a person saving a choice would. Writes a
 * Markdown fragment. Run through {@code ./bench} (BENCHMARKS.md).
 *
 * <p>Arguments: repo dir, photo dir, model path, uploads per run, reduced JPEG decoding (true/false), output file.
 * The stages get the local stack's JVM options ({@code <STAGE>_JVM_OPTIONS} replace them) and start timeout
 * ({@code LOCAL_STACK_START_TIMEOUT}, default 2 minutes, as in every test that starts the stack).
 */
public final class LoopBenchmark {

    /** One HTTP client for every upload, its workers named as the load generator's ({@link LauncherThreads}). */
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .executor(Executors.newCachedThreadPool(benchThreads("bench-http-")))
            .build();

    private static final Pattern UPLOAD_ID = Pattern.compile("\"uploadId\"\\s*:\\s*\"([^\"]+)\"");
    private static final String LAUNCHER =
            "Kafka broker + S3 server (+ the load generator and the Label Studio fake), one JVM";
    private static final Pattern STARTED =
            Pattern.compile("Started \\w+ in ([0-9.]+) seconds \\(process running for ([0-9.]+)\\)");

    private final List<Photo> photos;
    private final Map<String, Long> predicted = new ConcurrentHashMap<>();
    private final Map<String, Long> requested = new ConcurrentHashMap<>();
    private final AtomicInteger predictionRecords = new AtomicInteger();
    private final CountedAnnotations counted = new CountedAnnotations();
    private final LauncherThreads launcherThreads = new LauncherThreads();
    private volatile boolean listening = true;
    private URI uploadsUri;

    /** A photo and the multipart body that uploads it, built once: the load generator copies nothing per upload. */
    private record Photo(String name, byte[] bytes, PhotoUpload.Body upload) {
        Photo(String name, byte[] bytes) {
            this(name, bytes, PhotoUpload.body(bytes, name));
        }
    }

    private LoopBenchmark(List<Photo> photos) {
        this.photos = photos;
        launcherThreads.httpClientsSoFarAreLoad(); // before the Label Studio fake starts its webhook client
    }

    private static java.util.concurrent.ThreadFactory benchThreads(String prefix) {
        return Thread.ofPlatform().daemon().name(prefix, 0).factory();
    }

    public static void main(String[] args) throws Exception {
        Path repo = Path.of(args[0]).toAbsolutePath();
        Path photoDir = Path.of(args[1]);
        Path model = Path.of(args[2]);
        int uploads = Integer.parseInt(args[3]);
        boolean reduced = Boolean.parseBoolean(args[4]);
        Path out = Path.of(args[5]);
        List<Photo> photos = new ArrayList<>();
        try (Stream<Path> files = Files.list(photoDir)) {
            for (Path p :
                    files.filter(f -> f.toString().endsWith(".jpg")).sorted().toList()) {
                photos.add(new Photo(p.getFileName().toString(), Files.readAllBytes(p)));
            }
        }
        String md = new LoopBenchmark(photos).run(repo, model, uploads, reduced);
        System.out.println(md);
        Files.writeString(out, md);
        System.exit(0); // Kafka's and S3Proxy's non-daemon threads would keep the JVM alive
    }

    private String run(Path repo, Path model, int uploads, boolean reduced) throws Exception {
        Path dataDir = Files.createTempDirectory("gourmetgram-bench");
        Path modelDir = modelDir(dataDir, model, reduced);
        int ingestPort = Ports.free();
        uploadsUri = URI.create("http://127.0.0.1:" + ingestPort + "/api/uploads");
        int labelingPort = Ports.free();
        List<Stage> stages = List.of(
                new Stage("ingest-api", ingestPort, Ports.free()),
                new Stage("inference-processor", Ports.free(), Ports.free()),
                new Stage("sampling-streams", Ports.free(), Ports.free()),
                new Stage("labeling-sink", labelingPort, Ports.free()),
                new Stage("accuracy-streams", Ports.free(), Ports.free()));
        FakeLabelStudio labelStudio = FakeLabelStudio.start();
        Map<String, String> env = new LinkedHashMap<>(Map.of(
                "MODEL_DIR",
                modelDir.toString(),
                "MODEL_LABELS_FILE",
                modelDir.resolve("model.json").toString(),
                "LABEL_STUDIO_URL",
                labelStudio.url(),
                "LABEL_STUDIO_API_KEY",
                FakeLabelStudio.PERSONAL_ACCESS_TOKEN,
                "LABEL_STUDIO_WEBHOOK_SECRET",
                "bench-webhook-secret-" + UUID.randomUUID(),
                "LABELING_PUBLIC_URL",
                "http://127.0.0.1:" + labelingPort));
        String jfrDir = System.getProperty("gourmetgram.bench.jfr");
        if (jfrDir != null) { // -Dgourmetgram.bench.jfr=DIR: every stage records a JFR profile, DIR/<pid>.jfr
            env.put(
                    "JDK_JAVA_OPTIONS",
                    "-XX:StartFlightRecording=filename=" + Path.of(jfrDir).toAbsolutePath()
                            + "/%p.jfr,settings=profile,dumponexit=true");
        }
        StackConfig config = new StackConfig(repo, dataDir, Ports.free(), Ports.free(), Ports.free(), stages, env)
                .withJvmOptions(StageJvmOptions.from(System.getenv()));
        StringBuilder md = new StringBuilder();
        long launched = System.nanoTime();
        try (labelStudio;
                LoopStack stack = LoopStack.start(config);
                Annotator annotator = new Annotator(labelStudio, counted)) {
            double stackReady = (System.nanoTime() - launched) / 1e9;
            Thread listener =
                    Thread.ofPlatform().daemon().name("bench-listener").start(() -> listen(stack.kafkaBootstrap()));
            md.append("### End to end through the local stack\n\nStages: ")
                    .append(stack.stages().stream().map(s -> s.stage().module()).toList())
                    .append("; model `")
                    .append(model)
                    .append("` (jpegReducedDecoding=")
                    .append(reduced)
                    .append("); ")
                    .append(photos.size())
                    .append(
                            " photos uploaded round-robin; labeling-sink imports into the Label Studio fake, where every"
                                    + " task is annotated 2 s after it appears.\n\nJVM options: ")
                    .append(jvmOptions(stack, config))
                    .append(" (start timeout ")
                    .append(config.startTimeout().toSeconds())
                    .append(" s).\n\n");
            Thread.sleep(10_000); // settle: JIT and start-up threads quiet down before idle memory is read
            Map<String, Long> idle = residentKb(stack);

            // Warm-up as long as the measured run: the JIT compiles the hot paths of every stage first, so the CPU
            // table shows the steady state rather than compilation (a cold run of 270 uploads roughly doubled
            // ingest-api's CPU per image).
            uploadAll(uploads, 4);
            awaitPredicted(uploads, Duration.ofMinutes(15));

            predicted.clear();
            requested.clear();
            Map<String, Long> loaded = new LinkedHashMap<>();
            Thread sampler = Thread.ofPlatform().daemon().name("bench-rss").start(() -> sampleMax(stack, loaded));
            Map<String, Long> cpuBefore = cpuMillis(stack);
            Map<String, LauncherThreads.Cpu> launcherBefore = launcherThreads.snapshot();
            Map<String, Long> requestsBefore = BrokerRequests.snapshot();
            long start = System.nanoTime();
            List<Sent> sent = uploadAll(uploads, 4);
            double acceptedPerSecond =
                    uploads / ((sent.stream().mapToLong(Sent::accepted).max().orElseThrow() - start) / 1e9);
            long last = awaitPredicted(uploads, Duration.ofMinutes(15));
            double endToEnd = uploads / ((last - start) / 1e9);
            Map<String, Long> cpuAfter = cpuMillis(stack);
            Map<String, Long> launcherParts = LauncherThreads.millisBetween(launcherBefore, launcherThreads.snapshot());
            String requestsPerImage = BrokerRequests.perUnit(requestsBefore, BrokerRequests.snapshot(), uploads);
            sampler.interrupt();
            md.append(String.format("| measure | figure |%n| --- | --- |%n"));
            md.append(String.format(
                    "| HTTP uploads → predictions readable, %d uploads, 4 client threads | **%.1f images/s** |%n",
                    uploads, endToEnd));
            md.append(String.format("| … of which uploads accepted (202) | %.1f uploads/s |%n", acceptedPerSecond));
            md.append(String.format(
                    "| … upload → prediction latency under that peak load, p50 / p99 | %s |%n", latencies(sent)));

            double replay = replay(stack.kafkaBootstrap(), uploads);
            md.append(String.format(
                    "| replayed `uploads` events of photos already in S3 → predictions (inference alone), %d events | **%.1f images/s** |%n",
                    uploads, replay));

            double halfRate = endToEnd / 2;
            predicted.clear();
            requested.clear();
            annotator.tasked().clear();
            counted.startSampling();
            List<Sent> paced = paced(halfRate, Math.max(30, (int) (halfRate * 30)));
            awaitPredicted(paced.size(), Duration.ofMinutes(10));
            Thread.sleep(3_000); // late labeling requests
            awaitLabelsCounted(paced, annotator, Duration.ofMinutes(2));
            md.append(String.format(
                    "| upload → prediction at half of peak (%.1f uploads/s, %d uploads), p50 / p99 | %s |%n",
                    halfRate, paced.size(), latencies(paced)));
            md.append(String.format(
                    "| upload → labeling request at half of peak, p50 / p99 (%d requests) | %s |%n",
                    paced.stream()
                            .filter(s -> requested.containsKey(s.uploadId()))
                            .count(),
                    latencies(paced, requested)));
            md.append(String.format(
                    "| upload → Label Studio task (fake) at half of peak, p50 / p99 (%d tasks) | %s |%n",
                    paced.stream()
                            .filter(s -> annotator.tasked().containsKey(s.uploadId()))
                            .count(),
                    latencies(paced, annotator.tasked())));
            md.append(String.format(
                    "| annotation (webhook) → accuracy record counting it, at half of peak, p50 / p99 (%d of %d"
                            + " annotations counted) | %s |%n",
                    counted.sampledCounted(), counted.sampledPosted(), counted.latencies()));

            md.append(String.format(
                    "%n#### CPU per image during the HTTP run (%d uploads after a warm-up of as many; robust to other work on"
                            + " the machine)%n%n| process | CPU ms per image |%n| --- | --- |%n",
                    uploads));
            long cpuTotal = 0;
            for (Map.Entry<String, Long> e : cpuAfter.entrySet()) {
                long used = e.getValue() - cpuBefore.getOrDefault(e.getKey(), 0L);
                cpuTotal += used;
                md.append(String.format(
                        "| %s | %.1f |%n",
                        e.getKey().equals("launcher") ? LAUNCHER : e.getKey(), used / (double) uploads));
                if (e.getKey().equals("launcher")) {
                    md.append(launcherTable(launcherParts, used, uploads));
                }
            }
            md.append(String.format("| **total** | **%.1f** |%n", cpuTotal / (double) uploads));
            md.append(String.format(
                    "%nKafka requests the broker answered per image during that run, by API: %s.%n", requestsPerImage));

            md.append(
                    "\n#### Start → ready and resident memory\n\n| process | start → ready | RSS idle | RSS under load (max) |\n| --- | --- | --- | --- |\n");
            long idleTotal = 0;
            long loadTotal = 0;
            for (StageProcess stage : stack.stages()) {
                String module = stage.stage().module();
                md.append(String.format(
                        "| %s | %s | %d MB | %d MB |%n",
                        module,
                        startedIn(stage.log()),
                        idle.getOrDefault(module, 0L) / 1024,
                        loaded.getOrDefault(module, 0L) / 1024));
                idleTotal += idle.getOrDefault(module, 0L);
                loadTotal += loaded.getOrDefault(module, 0L);
            }
            md.append(String.format(
                    "| %s | — | %d MB | %d MB |%n",
                    LAUNCHER, idle.get("launcher") / 1024, loaded.getOrDefault("launcher", 0L) / 1024));
            idleTotal += idle.get("launcher");
            loadTotal += loaded.getOrDefault("launcher", 0L);
            md.append(String.format(
                    "| **whole local stack** | %.1f s (launch → all healthy) | **%d MB** | %d MB |%n",
                    stackReady, idleTotal / 1024, loadTotal / 1024));

            // ingest-api alone: every other stage stopped.
            annotator.close();
            for (StageProcess stage : stack.stages()) {
                if (!stage.stage().module().equals("ingest-api")) {
                    stage.close();
                }
            }
            listening = false;
            listener.join(5_000);
            Photo small = photos.stream()
                    .min((a, b) ->
                            Integer.compare(Math.abs(a.bytes().length - 100_000), Math.abs(b.bytes().length - 100_000)))
                    .orElseThrow();
            md.append("\n").append(ingestAlone(small));
        }
        md.append("\n").append(load()).append("\n");
        deleteTree(dataDir); // Kafka's and S3's data of a run that succeeded (a failed one keeps its logs there)
        return md.toString();
    }

    /**
     * The launcher JVM's CPU split by its threads: the stack (broker, S3 server) apart from what only the benchmark
     * runs (load generator, Label Studio fake) and the JVM's own threads, which serve all of them.
     */
    private static String launcherTable(Map<String, Long> parts, long used, int uploads) {
        StringBuilder rows = new StringBuilder();
        long broker = parts.get(LauncherThreads.BROKER);
        long s3 = parts.get(LauncherThreads.S3);
        rows.append(String.format(
                "| … the stack: Kafka broker's threads + S3 server's threads | %.1f + %.1f = **%.1f** |%n",
                broker / (double) uploads, s3 / (double) uploads, (broker + s3) / (double) uploads));
        long attributed = 0;
        for (String part : LauncherThreads.PARTS) {
            attributed += parts.get(part);
            if (!part.equals(LauncherThreads.BROKER) && !part.equals(LauncherThreads.S3)) {
                rows.append(String.format("| … %s | %.1f |%n", part, parts.get(part) / (double) uploads));
            }
        }
        rows.append(String.format(
                "| … threads that ended during the run (not attributed) | %.1f |%n",
                Math.max(0, used - attributed) / (double) uploads));
        return rows.toString();
    }

    /** Each stage's JVM options and this JVM's (the broker's and S3 server's), as they ran. */
    private static String jvmOptions(LoopStack stack, StackConfig config) {
        StringBuilder options = new StringBuilder();
        for (StageProcess stage : stack.stages()) {
            String module = stage.stage().module();
            options.append(module)
                    .append(" `")
                    .append(String.join(" ", config.jvmOptions().of(module)))
                    .append("`; ");
        }
        List<String> mine = java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("-X"))
                .toList();
        return options.append("Kafka + S3 (this JVM) `")
                .append(String.join(" ", mine))
                .append('`')
                .toString();
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** model.onnx (a link to the benchmark model) and the seed's sidecar. */
    private static Path modelDir(Path dataDir, Path model, boolean reduced) throws IOException {
        Path dir = Files.createDirectories(dataDir.resolve("model"));
        Files.createSymbolicLink(dir.resolve("model.onnx"), model.toAbsolutePath());
        Files.writeString(dir.resolve("model.json"), """
                {"id": "mobilenetv2-bench", "version": "bench",
                 "labels": ["Bread", "Dairy product", "Dessert", "Egg", "Fried food", "Meat", "Noodles/Pasta", "Rice",
                            "Seafood", "Soup", "Vegetable/Fruit"],
                 "input": {"name": "input", "layout": "NCHW", "height": 224, "width": 224},
                 "output": {"name": "logits", "kind": "logits"},
                 "preprocessing": {"resize": "stretch", "resizeSize": 224, "cropSize": 224, "channelOrder": "RGB",
                                   "scale": 0.00392156862745098, "mean": [0.485, 0.456, 0.406],
                                   "std": [0.229, 0.224, 0.225], "jpegReducedDecoding": %s}}
                """.formatted(reduced));
        return dir;
    }

    private record Sent(String uploadId, long started, long accepted) {}

    /** {@code count} uploads from {@code threads} client threads, each uploading one after another. */
    private List<Sent> uploadAll(int count, int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads, benchThreads("bench-upload-"));
        AtomicInteger next = new AtomicInteger();
        List<Future<List<Sent>>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            futures.add(pool.submit(() -> {
                List<Sent> mine = new ArrayList<>();
                for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                    mine.add(upload(photos.get(i % photos.size())));
                }
                return mine;
            }));
        }
        List<Sent> all = new ArrayList<>();
        for (Future<List<Sent>> f : futures) {
            all.addAll(f.get());
        }
        pool.shutdown();
        return all;
    }

    /** Open loop: uploads start on a fixed schedule whatever the answers take. */
    private List<Sent> paced(double perSecond, int count) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(16, benchThreads("bench-paced-"));
        List<Future<Sent>> futures = new ArrayList<>();
        long start = System.nanoTime();
        long interval = (long) (1e9 / perSecond);
        for (int i = 0; i < count; i++) {
            long due = start + i * interval;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            Photo photo = photos.get(i % photos.size());
            futures.add(pool.submit(() -> upload(photo)));
        }
        List<Sent> all = new ArrayList<>();
        for (Future<Sent> f : futures) {
            all.add(f.get());
        }
        pool.shutdown();
        return all;
    }

    private Sent upload(Photo photo) throws Exception {
        long started = System.nanoTime();
        HttpResponse<String> answer = photo.upload().send(HTTP, uploadsUri);
        Matcher id = UPLOAD_ID.matcher(answer.body());
        if (answer.statusCode() != 202 || !id.find()) {
            throw new IllegalStateException(
                    "Upload of " + photo.name() + " answered " + answer.statusCode() + ": " + answer.body());
        }
        return new Sent(id.group(1), started, System.nanoTime());
    }

    /** Reads predictions, labeling requests and accuracy records as committed, noting when each arrived. */
    private void listen(String bootstrap) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrap,
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "bench-" + UUID.randomUUID(),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "latest",
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        "read_committed"),
                new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(
                    Topics.PREDICTIONS.name(), Topics.LABELING_REQUESTS.name(), Topics.ACCURACY_TUMBLING.name()));
            while (listening) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    long now = System.nanoTime();
                    if (r.topic().equals(Topics.ACCURACY_TUMBLING.name())) {
                        if (r.value() != null) {
                            AccuracyWindow w =
                                    Topics.ACCURACY_TUMBLING.valueSerde().deserialize(r.topic(), r.value());
                            counted.window(r.key(), w, now);
                        }
                    } else if (r.topic().equals(Topics.PREDICTIONS.name())) {
                        // keyed by upload id (a record whose key is not its upload is dead-lettered): no JSON to read
                        predicted.putIfAbsent(r.key(), now);
                        predictionRecords.incrementAndGet();
                    } else if (r.key() != null) {
                        requested.putIfAbsent(r.key(), now);
                    }
                }
            }
        }
    }

    /** Waits until {@code count} uploads have a prediction; returns when the last arrived. */
    private long awaitPredicted(int count, Duration timeout) {
        Awaitility.await(count + " predictions")
                .atMost(timeout)
                .pollInterval(Duration.ofMillis(50))
                .until(() -> predicted.size() >= count);
        return predicted.values().stream().mapToLong(Long::longValue).max().orElseThrow();
    }

    /** Waits (at most {@code timeout}) until every paced upload's task is annotated and that annotation counted. */
    private void awaitLabelsCounted(List<Sent> paced, Annotator annotator, Duration timeout) {
        try {
            Awaitility.await("annotations counted")
                    .atMost(timeout)
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> paced.stream().allMatch(s -> annotator.tasked().containsKey(s.uploadId()))
                            && counted.sampledCounted() >= counted.sampledPosted());
        } catch (ConditionTimeoutException e) {
            // reported as it stands: the table says how many of the annotations were counted
        }
    }

    /** The last {@code count} upload events put on the topic again, as-is; predictions/s until all are scored. */
    private double replay(String bootstrap, int count) throws Exception {
        List<ProducerRecord<byte[], byte[]>> events = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> reader = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrap,
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        "read_committed"),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = reader.partitionsFor(Topics.UPLOADS.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            reader.assign(partitions);
            reader.seekToBeginning(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            List<ConsumerRecord<byte[], byte[]>> all = new ArrayList<>();
            Map<TopicPartition, Long> end = reader.endOffsets(partitions);
            while (partitions.stream().anyMatch(tp -> reader.position(tp) < end.get(tp))
                    && System.nanoTime() < deadline) {
                reader.poll(Duration.ofMillis(200)).forEach(all::add);
            }
            for (ConsumerRecord<byte[], byte[]> r : all.subList(Math.max(0, all.size() - count), all.size())) {
                events.add(new ProducerRecord<>(Topics.UPLOADS.name(), r.key(), r.value()));
            }
        }
        int before = predictionRecords.get();
        long start = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", bootstrap, "linger.ms", 5),
                new ByteArraySerializer(),
                new ByteArraySerializer())) {
            events.forEach(producer::send);
        }
        long deadline = System.nanoTime() + Duration.ofMinutes(15).toNanos();
        while (predictionRecords.get() - before < events.size() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return events.size() / ((System.nanoTime() - start) / 1e9);
    }

    private String latencies(List<Sent> sent) {
        return latencies(sent, predicted);
    }

    private static String latencies(List<Sent> sent, Map<String, Long> arrivals) {
        double[] ms = sent.stream()
                .filter(s -> arrivals.containsKey(s.uploadId()))
                .mapToDouble(s -> (arrivals.get(s.uploadId()) - s.started()) / 1e6)
                .sorted()
                .toArray();
        if (ms.length == 0) {
            return "none arrived";
        }
        return String.format("%.0f ms / %.0f ms", percentile(ms, 0.50), percentile(ms, 0.99));
    }

    static double percentile(double[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    /** ingest-api alone, ~100 KB JPEGs from 8 client threads for 15 s. */
    private String ingestAlone(Photo photo) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8, benchThreads("bench-ingest-alone-"));
        AtomicInteger done = new AtomicInteger();
        long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        long start = System.nanoTime();
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            futures.add(pool.submit(() -> {
                while (System.nanoTime() < end) {
                    upload(photo);
                    done.incrementAndGet();
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();
        double perSecond = done.get() / ((System.nanoTime() - start) / 1e9);
        return String.format(
                "| measure | figure |%n| --- | --- |%n| ingest-api alone (every other stage stopped), %s (%d KB) from 8 client threads for 15 s | **%.0f uploads/s** |%n",
                photo.name(), photo.bytes().length / 1024, perSecond);
    }

    private static Map<String, Long> residentKb(LoopStack stack) {
        return perProcess(stack, LoopBenchmark::residentKb);
    }

    /** A figure read from /proc for each stage process and for this JVM ("launcher"). */
    private static Map<String, Long> perProcess(LoopStack stack, java.util.function.LongUnaryOperator read) {
        Map<String, Long> figures = new LinkedHashMap<>();
        for (StageProcess stage : stack.stages()) {
            figures.put(stage.stage().module(), read.applyAsLong(stage.handle().pid()));
        }
        figures.put("launcher", read.applyAsLong(ProcessHandle.current().pid()));
        return figures;
    }

    /** User + system CPU time of each stage process and of this JVM, from /proc (clock ticks of 10 ms). */
    private static Map<String, Long> cpuMillis(LoopStack stack) {
        return perProcess(stack, LoopBenchmark::cpuMillis);
    }

    static long cpuMillis(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10; // utime, stime
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static void sampleMax(LoopStack stack, Map<String, Long> max) {
        while (!Thread.currentThread().isInterrupted()) {
            residentKb(stack).forEach((k, v) -> max.merge(k, v, Math::max));
            try {
                Thread.sleep(1_000);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static long residentKb(long pid) {
        try (Stream<String> lines = Files.lines(Path.of("/proc/" + pid + "/status"))) {
            return lines.filter(l -> l.startsWith("VmRSS:"))
                    .findFirst()
                    .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")))
                    .orElse(0L);
        } catch (IOException e) {
            return 0;
        }
    }

    /** Spring Boot's own "Started … in N seconds" from the stage's log. */
    private static String startedIn(Path log) {
        try (Stream<String> lines = Files.lines(log)) {
            Optional<Matcher> m =
                    lines.map(STARTED::matcher).filter(Matcher::find).reduce((a, b) -> b);
            return m.map(x -> x.group(2) + " s").orElse("?");
        } catch (IOException e) {
            return "?";
        }
    }

    static String load() {
        try {
            return "_Load average at the end: "
                    + Files.readString(Path.of("/proc/loadavg")).trim() + " ("
                    + Runtime.getRuntime().availableProcessors() + " cores)._";
        } catch (IOException e) {
            return "";
        }
    }
}
