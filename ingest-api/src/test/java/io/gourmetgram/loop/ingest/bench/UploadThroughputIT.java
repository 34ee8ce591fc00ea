package io.gourmetgram.loop.ingest.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gourmetgram.loop.events.testing.S3TestServer;
import io.gourmetgram.loop.events.testing.SharedFixtures;
import io.gourmetgram.loop.ingest.ApiClient;
import io.gourmetgram.loop.support.bench.PackagedStageCommand;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.RemoveObjectsArgs;
import io.minio.Result;
import io.minio.messages.DeleteError;
import io.minio.messages.DeleteObject;
import io.minio.messages.Item;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * Uploads/s and CPU ms per upload of ingest-api alone. Not a test: skipped unless
 * {@code -Dgourmetgram.bench.ingest=true} (command in the README, "Throughput").
 *
 * <p>The service runs as its own JVM from the packaged {@code target/ingest-api-exec.jar}, as it is deployed,
 * so its CPU time is its own; the embedded KRaft broker, S3Proxy and the HTTP clients share this JVM
 * (reported separately). N client threads post the shared photo closest to 100 KB, as a multipart form and
 * as the raw body; each form gets a warm-up before its measured window. With
 * {@code -Dgourmetgram.bench.ingest.baseline=<other builds' ingest-api-exec.jar, comma-separated>} the builds
 * run side by side and are measured in turn, so a before/after compares them under the same load on a shared machine.
 * Every answer must be 202 (a run with any other answer fails: figures of a failing service mean nothing).
 */
@EnabledIfSystemProperty(named = "gourmetgram.bench.ingest", matches = "true")
class UploadThroughputIT {

    private static final String BUCKET = "production";
    private static final int THREADS = Integer.getInteger("gourmetgram.bench.ingest.threads", 8);
    private static final Duration WARMUP = Duration.ofSeconds(Long.getLong("gourmetgram.bench.ingest.warmup", 8));
    private static final Duration WINDOW = Duration.ofSeconds(Long.getLong("gourmetgram.bench.ingest.seconds", 15));
    private static final String FORMS = System.getProperty("gourmetgram.bench.ingest.forms", "multipart,raw");
    private static final int ROUNDS = Integer.getInteger("gourmetgram.bench.ingest.rounds", 2);
    /** Other builds' {@code ingest-api-exec.jar}s (e.g. main's), comma-separated, measured in the same run. */
    private static final String BASELINE = System.getProperty("gourmetgram.bench.ingest.baseline");
    /** A folder of photos (e.g. the 27 shared ones) uploaded in turn instead of the one photo closest to 100 KB. */
    private static final String PHOTOS = System.getProperty("gourmetgram.bench.photos");
    /**
     * JVM option sets, {@code name=options|name=options} (options separated by spaces); every build runs once per
     * set, e.g. {@code c2=-XX:+UseSerialGC|c1=-XX:+UseSerialGC -XX:TieredStopAtLevel=1}. Default: the JVM's own.
     */
    private static final String JVM_OPTIONS = System.getProperty("gourmetgram.bench.ingest.jvm", "=");
    /** Uploads per second offered by all clients together; 0 (the default) sends as fast as answers come back. */
    private static final double RATE = Double.parseDouble(System.getProperty("gourmetgram.bench.ingest.rate", "0"));

    @Test
    void uploadsPerSecondAndCpuPerUpload() throws Exception {
        List<Path> photos = PHOTOS != null
                ? photosIn(Path.of(PHOTOS))
                : List.of(SharedFixtures.food11Photos().stream()
                        .min(Comparator.comparingLong(p -> Math.abs(size(p) - 100_000)))
                        .orElseThrow());
        List<byte[]> contents = new ArrayList<>();
        for (Path photo : photos) {
            contents.add(Files.readAllBytes(photo));
        }
        long totalBytes = contents.stream().mapToLong(b -> b.length).sum();
        Path out = Files.createDirectories(Path.of("target", "bench"));
        Map<String, Path> jars = new LinkedHashMap<>();
        if (BASELINE != null) {
            for (String jar : BASELINE.split(",")) {
                jars.put(Path.of(jar).getFileName().toString().replace("-exec.jar", ""), Path.of(jar));
            }
        }
        jars.put("this build", Path.of("target", "ingest-api-exec.jar"));
        Map<String, List<String>> jvmOptions = new LinkedHashMap<>();
        for (String set : JVM_OPTIONS.split("\\|")) {
            String options = set.substring(set.indexOf('=') + 1).trim();
            jvmOptions.put(
                    set.substring(0, set.indexOf('=')).trim(),
                    options.isEmpty() ? List.of() : List.of(options.split("\\s+")));
        }
        EmbeddedKafkaBroker broker = new EmbeddedKafkaKraftBroker(1, 1);
        broker.afterPropertiesSet();
        StringBuilder md = new StringBuilder();
        List<ServiceProcess> services = new ArrayList<>();
        try (S3TestServer s3 = S3TestServer.start()) {
            for (Map.Entry<String, Path> jar : jars.entrySet()) {
                for (Map.Entry<String, List<String>> options : jvmOptions.entrySet()) {
                    String name = jar.getKey() + (options.getKey().isEmpty() ? "" : " " + options.getKey());
                    services.add(ServiceProcess.start(
                            name, jar.getValue(), options.getValue(), broker.getBrokersAsString(), s3, out));
                }
            }
            md.append(String.format(
                    "ingest-api alone (packaged jar, own JVM), %s (%d KB on average), %d client threads%s, %d s warm-up"
                            + " + %d s measured per form, %d round(s) alternating the builds, best round shown;"
                            + " JVM options %s; load average before: %s%n%n",
                    photos.size() == 1
                            ? photos.getFirst().getFileName()
                            : photos.size() + " photos of " + PHOTOS + " in turn",
                    totalBytes / photos.size() / 1024,
                    THREADS,
                    RATE > 0 ? String.format(" offering %.0f uploads/s in all", RATE) : "",
                    WARMUP.toSeconds(),
                    WINDOW.toSeconds(),
                    ROUNDS,
                    jvmOptions,
                    loadAverage()));
            Map<String, Window> best = new LinkedHashMap<>();
            for (int round = 0; round < ROUNDS; round++) {
                for (String form : FORMS.split(",")) {
                    for (ServiceProcess service : services) {
                        ApiClient api = new ApiClient(service.port());
                        Window w = measure(
                                i -> {
                                    int n = (int) (i % photos.size());
                                    return form.equals("raw")
                                            ? api.postRaw("/api/uploads", "image/jpeg", contents.get(n))
                                            : api.postMultipart(
                                                    "/api/uploads",
                                                    "file",
                                                    photos.get(n).getFileName().toString(),
                                                    "image/jpeg",
                                                    contents.get(n));
                                },
                                contents,
                                service);
                        System.out.printf("round %d, %s, %s: %s%n", round + 1, form, service.name(), w);
                        emptyBucket(s3); // S3Proxy keeps objects in memory; a long run would fill it
                        best.merge(service.name() + "|" + form, w, Window::better);
                    }
                }
            }
            md.append("| build | form | uploads/s | MB/s | ingest-api CPU ms per upload | ingest-api CPU ms per MB"
                    + " | broker + S3 + clients CPU ms per upload | latency p50 / p99 |\n"
                    + "| --- | --- | --- | --- | --- | --- | --- | --- |\n");
            best.forEach((key, w) -> md.append(String.format(
                    "| %s | %s | **%.0f** | %.1f | **%.2f** | %.2f | %.2f | %.1f ms / %.1f ms |%n",
                    key.substring(0, key.indexOf('|')),
                    key.substring(key.indexOf('|') + 1),
                    w.perSecond(),
                    w.megabytes() / w.seconds(),
                    w.serviceCpuPerUpload(),
                    w.serviceCpuMillis() / w.megabytes(),
                    w.benchCpuPerUpload(),
                    w.p50Millis(),
                    w.p99Millis())));
            md.append(String.format(
                    "%n_Load average at the end: %s (%d cores)._%n",
                    loadAverage(), Runtime.getRuntime().availableProcessors()));
        } finally {
            for (ServiceProcess service : services) {
                service.close();
            }
            broker.destroy();
        }
        Files.writeString(out.resolve("upload-throughput.md"), md);
        System.out.println(md);
    }

    private record Window(
            long uploads,
            long bytes,
            double seconds,
            long serviceCpuMillis,
            long benchCpuMillis,
            double p50Millis,
            double p99Millis) {

        double perSecond() {
            return uploads / seconds;
        }

        double megabytes() {
            return bytes / 1e6;
        }

        double serviceCpuPerUpload() {
            return (double) serviceCpuMillis / uploads;
        }

        double benchCpuPerUpload() {
            return (double) benchCpuMillis / uploads;
        }

        /** The round less disturbed by other work on the machine: fewer CPU ms per upload. */
        static Window better(Window a, Window b) {
            return a.serviceCpuPerUpload() <= b.serviceCpuPerUpload() ? a : b;
        }
    }

    /** Runs the clients through a warm-up, then counts 202s, CPU time and latencies over the window. */
    private static Window measure(UploadCall call, List<byte[]> contents, ServiceProcess service) throws Exception {
        AtomicBoolean counting = new AtomicBoolean();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong accepted = new AtomicLong();
        AtomicLong acceptedBytes = new AtomicLong();
        AtomicLong tickets = new AtomicLong();
        long start0 = System.nanoTime();
        AtomicReference<String> failure = new AtomicReference<>();
        List<long[]> latencies = new ArrayList<>();
        ExecutorService clients = Executors.newFixedThreadPool(THREADS);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            long[] mine = new long[1 << 18];
            latencies.add(mine);
            futures.add(clients.submit(() -> {
                int n = 0;
                while (running.get()) {
                    long ticket = tickets.getAndIncrement();
                    if (RATE > 0) {
                        // Paces an open load: upload number `ticket` is due at start0 + ticket / RATE.
                        long due = start0 + (long) (ticket * 1e9 / RATE);
                        long wait = due - System.nanoTime();
                        if (wait > 0) {
                            LockSupport.parkNanos(wait);
                        }
                    }
                    long start = System.nanoTime();
                    HttpResponse<String> answer = call.upload(ticket);
                    long nanos = System.nanoTime() - start;
                    if (answer.statusCode() != 202) {
                        failure.compareAndSet(null, answer.statusCode() + " " + answer.body());
                        return;
                    }
                    if (counting.get()) {
                        accepted.incrementAndGet();
                        acceptedBytes.addAndGet(contents.get((int) (ticket % contents.size())).length);
                        if (n < mine.length - 1) {
                            mine[++n] = nanos;
                            mine[0] = n;
                        }
                    }
                }
            }));
        }
        // Sleeping here paces the measurement (warm-up, then the window); it synchronises nothing.
        TimeUnit.MILLISECONDS.sleep(WARMUP.toMillis());
        long serviceCpu0 = service.cpuMillis();
        long benchCpu0 = benchCpuMillis();
        long t0 = System.nanoTime();
        counting.set(true);
        TimeUnit.MILLISECONDS.sleep(WINDOW.toMillis());
        counting.set(false);
        long uploads = accepted.get();
        long bytes = acceptedBytes.get();
        double seconds = (System.nanoTime() - t0) / 1e9;
        long serviceCpu = service.cpuMillis() - serviceCpu0;
        long benchCpu = benchCpuMillis() - benchCpu0;
        running.set(false);
        for (Future<?> f : futures) {
            f.get(2, TimeUnit.MINUTES);
        }
        clients.shutdown();
        assertThat(failure.get()).as("every upload must be accepted").isNull();
        long[] all = latencies.stream()
                .flatMapToLong(l -> Arrays.stream(l, 1, 1 + (int) l[0]))
                .sorted()
                .toArray();
        return new Window(uploads, bytes, seconds, serviceCpu, benchCpu, percentile(all, 0.50), percentile(all, 0.99));
    }

    @FunctionalInterface
    private interface UploadCall {
        /** Sends upload number {@code ticket}. */
        HttpResponse<String> upload(long ticket);
    }

    private static double percentile(long[] sorted, double p) {
        return sorted.length == 0
                ? Double.NaN
                : sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1e6;
    }

    /** Removes every stored photo, between measured windows. */
    private static void emptyBucket(S3TestServer s3) throws Exception {
        MinioClient client = MinioClient.builder()
                .endpoint(s3.endpoint())
                .credentials(S3TestServer.ACCESS_KEY, S3TestServer.SECRET_KEY)
                .build();
        List<DeleteObject> objects = new ArrayList<>();
        for (Result<Item> item : client.listObjects(
                ListObjectsArgs.builder().bucket(BUCKET).recursive(true).build())) {
            objects.add(new DeleteObject(item.get().objectName()));
        }
        for (Result<DeleteError> error : client.removeObjects(
                RemoveObjectsArgs.builder().bucket(BUCKET).objects(objects).build())) {
            throw new IllegalStateException(
                    "Could not empty the bucket: " + error.get().message());
        }
    }

    private static long benchCpuMillis() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                        .getProcessCpuTime()
                / 1_000_000;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static List<Path> photosIn(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            List<Path> photos = files.filter(p -> p.getFileName().toString().matches("(?i).*\\.(jpe?g|png|webp)"))
                    .sorted()
                    .toList();
            if (photos.isEmpty()) {
                throw new IllegalStateException("No photos in " + dir);
            }
            return photos;
        }
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** ingest-api as a child JVM started from a packaged jar, its output in {@code target/bench/ingest-api-<name>.log}. */
    private record ServiceProcess(String name, Process process, int port) implements AutoCloseable {

        static ServiceProcess start(
                String name, Path jar, List<String> jvmOptions, String bootstrap, S3TestServer s3, Path out)
                throws IOException {
            if (!Files.exists(jar)) {
                throw new IllegalStateException(
                        jar + " is missing: run the benchmark through `verify`, which packages it");
            }
            // Free ports are picked here and may be taken by another build before the service binds them: retry.
            for (int attempt = 1; ; attempt++) {
                ServiceProcess service = startOnce(name, jar, jvmOptions, bootstrap, s3, out);
                if (service != null || attempt == 3) {
                    if (service == null) {
                        throw new IllegalStateException(
                                "ingest-api (" + name + ") exited; see its log in target/bench");
                    }
                    return service;
                }
            }
        }

        /** The started service, or null if it exited while starting (a port taken meanwhile). */
        private static ServiceProcess startOnce(
                String name, Path jar, List<String> jvmOptions, String bootstrap, S3TestServer s3, Path out)
                throws IOException {
            int port = freePort();
            ProcessBuilder builder = new ProcessBuilder(PackagedStageCommand.of(jar, jvmOptions))
                    .redirectErrorStream(true)
                    .redirectOutput(out.resolve("ingest-api-" + name.replace(' ', '-') + ".log")
                            .toFile());
            builder.environment()
                    .putAll(Map.of(
                            "SERVER_PORT",
                            Integer.toString(port),
                            "MANAGEMENT_SERVER_PORT",
                            Integer.toString(freePort()),
                            "KAFKA_BOOTSTRAP_SERVERS",
                            bootstrap,
                            "S3_ENDPOINT",
                            s3.endpoint(),
                            "S3_ACCESS_KEY",
                            S3TestServer.ACCESS_KEY,
                            "S3_SECRET_KEY",
                            S3TestServer.SECRET_KEY));
            ServiceProcess service = new ServiceProcess(name, builder.start(), port);
            System.out.printf(
                    "ingest-api (%s) is process %d%n", name, service.process().pid());
            ApiClient api = new ApiClient(port);
            await().atMost(Duration.ofMinutes(3))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> {
                        if (!service.process().isAlive()) {
                            return true;
                        }
                        try {
                            return api.get("/api/labels").statusCode() == 200;
                        } catch (UncheckedIOException notYet) {
                            return false;
                        }
                    });
            return service.process().isAlive() ? service : null;
        }

        /** User + system CPU time of the service process so far. */
        long cpuMillis() {
            return process.info().totalCpuDuration().orElseThrow().toMillis();
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy(); // SIGTERM: shutdown hooks run, so a JFR recording is written
            if (!process.waitFor(1, TimeUnit.MINUTES)) {
                process.destroyForcibly();
            }
        }

        private static int freePort() throws IOException {
            try (ServerSocket socket = new ServerSocket(0)) {
                return socket.getLocalPort();
            }
        }
    }
}
