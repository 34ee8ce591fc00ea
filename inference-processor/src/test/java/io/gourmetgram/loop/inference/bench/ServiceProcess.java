package io.gourmetgram.loop.inference.bench;

import io.gourmetgram.loop.inference.InferenceProcessorApplication;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The inference service as its own JVM, started from this classpath, for benchmarks that need its CPU time alone. */
final class ServiceProcess {

    private final Process process;

    private ServiceProcess(Process process) {
        this.process = process;
    }

    /** Starts the application's main class with {@code env}; extra JVM flags from -Dgourmetgram.bench.jvm. */
    static ServiceProcess start(Map<String, String> env, Path log) throws IOException {
        List<String> command = new ArrayList<>(
                List.of(java("java"), "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"));
        for (String flag :
                System.getProperty("gourmetgram.bench.jvm", "").trim().split("\\s+")) {
            if (!flag.isEmpty()) {
                command.add(flag);
            }
        }
        command.addAll(
                List.of("-cp", System.getProperty("java.class.path"), InferenceProcessorApplication.class.getName()));
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(env);
        return new ServiceProcess(builder.start());
    }

    CpuSnapshot cpu() throws IOException {
        requireAlive();
        return CpuSnapshot.of(process.pid());
    }

    /** The most memory the process ever had resident (VmHWM). */
    long peakResidentMegabytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
            }
        }
        return -1;
    }

    void requireAlive() {
        if (!process.isAlive()) {
            throw new IllegalStateException("The service exited with status " + process.exitValue());
        }
    }

    void startRecording() throws Exception {
        jcmd("JFR.start", "name=bench", "settings=profile");
    }

    void stopRecording(Path file) throws Exception {
        jcmd("JFR.stop", "name=bench", "filename=" + file.toAbsolutePath());
    }

    void stop() throws InterruptedException {
        process.destroy(); // SIGTERM: Spring stops the loop gracefully
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    private void jcmd(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(java("jcmd"), String.valueOf(process.pid())));
        command.addAll(List.of(args));
        Process jcmd = new ProcessBuilder(command).inheritIO().start();
        if (jcmd.waitFor() != 0) {
            throw new IllegalStateException("jcmd " + String.join(" ", args) + " failed");
        }
    }

    private static String java(String tool) {
        return Path.of(System.getProperty("java.home"), "bin", tool).toString();
    }
}
