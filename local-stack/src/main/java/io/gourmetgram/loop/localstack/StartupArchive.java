package io.gourmetgram.loop.localstack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stage's JVM start-up archive, kept in the local stack's data directory: the exec jar extracted to the layout
 * Spring Boot recommends for class data sharing (classes loaded from plain jars by the JVM's own class loader), and
 * an archive of the classes a start loads — the AOT cache on JDK 25+ (JEP 483/514/515), a dynamic CDS archive on
 * JDK 21–24. It is made once by a training run ({@code spring.context.exit=onRefresh}: every bean created, nothing
 * started, no port bound) and reused by every later start; a new jar, JDK or set of JVM options gets a new one.
 * Anything that goes wrong here only costs speed: the stage then starts from its exec jar as before.
 */
final class StartupArchive {

    private static final Logger log = LoggerFactory.getLogger(StartupArchive.class);
    /** Options with which a user chose their own archive (or none); the local stack then adds nothing. */
    private static final List<String> OWN_ARCHIVE_OPTIONS =
            List.of("-XX:AOTCache", "-XX:AOTCacheOutput", "-XX:AOTMode", "-XX:SharedArchiveFile", "-Xshare");

    /** What a stage is started with: its jar and JVM options. */
    record Launch(Path jar, List<String> jvmOptions) {}

    private final Path cacheDir;
    private final Duration trainingTimeout;

    StartupArchive(Path cacheDir, Duration trainingTimeout) {
        this.cacheDir = cacheDir;
        this.trainingTimeout = trainingTimeout;
    }

    /** The stage's launch from its archive when one was made for this jar, JDK and options; else from its jar. */
    Launch launch(Stage stage, Path execJar, List<String> jvmOptions) {
        Launch plain = new Launch(execJar, jvmOptions);
        if (ownArchive(jvmOptions)) {
            return plain;
        }
        try {
            Path dir = dir(stage, execJar, jvmOptions);
            Path jar = dir.resolve("app").resolve(execJar.getFileName());
            Path archive = archive(stage, dir);
            if (!Files.isRegularFile(jar) || !Files.isRegularFile(archive)) {
                return plain;
            }
            List<String> options = new ArrayList<>(jvmOptions);
            options.add((aotCache() ? "-XX:AOTCache=" : "-XX:SharedArchiveFile=") + archive);
            return new Launch(jar, List.copyOf(options));
        } catch (IOException | RuntimeException e) {
            log.warn("{} starts without a start-up archive: {}", stage.module(), e.toString());
            return plain;
        }
    }

    /**
     * Extracts the jar and makes its archive with a training run in the stage's own environment (it needs the
     * stack's Kafka and S3, as a start does); archives of older jars, JDKs or options are removed.
     */
    void make(Stage stage, Path execJar, List<String> jvmOptions, Map<String, String> env)
            throws IOException, InterruptedException {
        if (ownArchive(jvmOptions)) {
            return;
        }
        Path dir = dir(stage, execJar, jvmOptions);
        Path jar = extracted(execJar, dir);
        Path archive = archive(stage, dir);
        if (!Files.isRegularFile(archive)) {
            train(stage, jar, jvmOptions, env, archive);
        }
        removeOthers(dir.getParent(), dir);
    }

    /**
     * Makes the missing archives one stage at a time on a background thread, so the first start after a build is
     * not slowed down and the training runs take one core at most; the next start uses them. Interrupt the thread
     * to stop (a training run in progress is killed).
     */
    Thread makeInBackground(Map<Stage, Launch> missing, Map<String, String> env) {
        return Thread.ofPlatform().daemon().name("startup-archives").start(() -> {
            for (Map.Entry<Stage, Launch> stage : missing.entrySet()) {
                try {
                    make(
                            stage.getKey(),
                            stage.getValue().jar(),
                            stage.getValue().jvmOptions(),
                            env);
                } catch (InterruptedException e) {
                    return;
                } catch (IOException | RuntimeException e) {
                    log.warn("No start-up archive for {}: {}", stage.getKey().module(), e.toString());
                }
            }
        });
    }

    private static boolean ownArchive(List<String> jvmOptions) {
        return jvmOptions.stream().anyMatch(o -> OWN_ARCHIVE_OPTIONS.stream().anyMatch(o::startsWith));
    }

    private Path dir(Stage stage, Path execJar, List<String> jvmOptions) throws IOException {
        return cacheDir.resolve(stage.module()).resolve(key(execJar, jvmOptions));
    }

    private static Path archive(Stage stage, Path dir) {
        return dir.resolve(stage.module() + (aotCache() ? ".aot" : ".jsa"));
    }

    /** JDK 25 has the one-step AOT cache; earlier JDKs (21–24) get a dynamic CDS archive. */
    static boolean aotCache() {
        return Runtime.version().feature() >= 25;
    }

    /**
     * Changes with the jar's content, the JDK and the options: any of them makes an archive unusable. The content is
     * each entry's name, size and CRC from the jar's central directory (no decompression): every build rewrites the
     * exec jar with new timestamps, so its bytes and modification time change although its classes did not.
     */
    static String key(Path execJar, List<String> jvmOptions) throws IOException {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            try (ZipFile jar = new ZipFile(execJar.toFile())) {
                jar.stream()
                        .forEach(e -> digest.update((e.getName() + '\0' + e.getCrc() + '\0' + e.getSize() + '\n')
                                .getBytes(StandardCharsets.UTF_8)));
            }
            digest.update(String.join(
                            "\n",
                            System.getProperty("java.home"),
                            Runtime.version().toString(),
                            String.join(" ", jvmOptions))
                    .getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code java -Djarmode=tools -jar app.jar extract}: the application jar plus {@code lib/}, once per key. */
    private Path extracted(Path execJar, Path dir) throws IOException, InterruptedException {
        Path app = dir.resolve("app");
        Path jar = app.resolve(execJar.getFileName());
        if (Files.isRegularFile(jar)) {
            return jar;
        }
        Path partial = dir.resolve("app.partial");
        deleteTree(partial);
        Files.createDirectories(dir);
        run(
                List.of(
                        java(),
                        "-Djarmode=tools",
                        "-jar",
                        execJar.toString(),
                        "extract",
                        "--destination",
                        partial.toString()),
                Map.of(),
                dir.resolve("extract.log"));
        Files.move(partial, app, StandardCopyOption.ATOMIC_MOVE);
        return jar;
    }

    /** One start that creates every bean and exits; the JVM writes the archive as it exits. */
    private void train(Stage stage, Path jar, List<String> jvmOptions, Map<String, String> env, Path archive)
            throws IOException, InterruptedException {
        Path partial = archive.resolveSibling(archive.getFileName() + ".partial");
        Files.deleteIfExists(partial);
        List<String> command = new ArrayList<>(List.of(java()));
        command.addAll(StageProcess.COMMON_OPTIONS);
        command.addAll(jvmOptions);
        command.add((aotCache() ? "-XX:AOTCacheOutput=" : "-XX:ArchiveClassesAtExit=") + partial);
        command.addAll(List.of("-Dspring.context.exit=onRefresh", "-jar", jar.toString()));
        Map<String, String> trainingEnv = new java.util.HashMap<>(StageProcess.environment(stage, env));
        // Nothing listens during the training run, but a port of 0 can never collide with the real start.
        trainingEnv.put("SERVER_PORT", "0");
        trainingEnv.put("MANAGEMENT_SERVER_PORT", "0");
        // Streams state of its own: the running stage holds a lock on its state directory.
        env.keySet().stream()
                .filter(name -> name.endsWith("_STATE_DIR"))
                .forEach(name -> trainingEnv.put(
                        name,
                        archive.resolveSibling("training-state").resolve(name).toString()));
        long started = System.nanoTime();
        run(command, trainingEnv, archive.resolveSibling("training.log"));
        if (!Files.isRegularFile(partial) || Files.size(partial) == 0) {
            throw new IOException("the training run wrote no archive; see " + archive.resolveSibling("training.log"));
        }
        Files.move(partial, archive, StandardCopyOption.ATOMIC_MOVE);
        log.info(
                "{}: start-up archive {} made in {} s",
                stage.module(),
                archive,
                Duration.ofNanos(System.nanoTime() - started).toSeconds());
    }

    private void run(List<String> command, Map<String, String> env, Path output)
            throws IOException, InterruptedException {
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().putAll(env);
        Process process = builder.start();
        boolean exited;
        try {
            exited = process.waitFor(trainingTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            throw e;
        }
        if (!exited) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new IOException(command.getLast() + " took longer than " + trainingTimeout + "; see " + output);
        }
        if (process.exitValue() != 0) {
            throw new IOException("exit code " + process.exitValue() + "; see " + output);
        }
    }

    /** Archives of an older jar, JDK or option set are never used again. */
    private static void removeOthers(Path moduleDir, Path keep) throws IOException {
        try (Stream<Path> dirs = Files.list(moduleDir)) {
            for (Path other : dirs.filter(d -> !d.equals(keep)).toList()) {
                deleteTree(other);
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
