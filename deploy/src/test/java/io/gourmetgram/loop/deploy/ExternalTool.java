package io.gourmetgram.loop.deploy;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A command-line checker from Debian (promtool from {@code prometheus}, {@code docker-compose}). CI installs them
 * ({@code .ci/run}); on a machine without one, the test that needs it is skipped and says how to get it.
 */
record ExternalTool(String command, String debianPackage) {

    static final ExternalTool PROMTOOL = new ExternalTool("promtool", "prometheus");
    static final ExternalTool DOCKER_COMPOSE = new ExternalTool("docker-compose", "docker-compose");

    /** Skips the calling test unless the command is on the PATH. */
    void assumeInstalled() {
        assumeTrue(
                installed(),
                command + " is not installed, so this check is skipped here; CI installs it " + "(apt-get install -y "
                        + debianPackage + ", see .ci/run)");
    }

    boolean installed() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }

    /** Runs it in a folder with extra environment; returns exit code and combined output. */
    Result run(Path workDir, Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(command);
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(2, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException(command + " did not finish in 2 minutes");
        }
        return new Result(p.exitValue(), output);
    }

    record Result(int exitCode, String output) {}
}
