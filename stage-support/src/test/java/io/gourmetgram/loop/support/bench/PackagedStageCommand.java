package io.gourmetgram.loop.support.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line a benchmark starts a stage's packaged jar with, as a separate process the way it runs in
 * production: this JDK's {@code java}, the JVM options under test, and a JDK Flight Recorder profile per process
 * ({@code <pid>.jfr}) when {@code -Dgourmetgram.bench.jfr=DIR} names a folder.
 */
public final class PackagedStageCommand {

    private PackagedStageCommand() {}

    public static List<String> of(Path jar, List<String> jvmOptions) {
        List<String> command = new ArrayList<>(List.of(jdkTool("java"), "--enable-native-access=ALL-UNNAMED"));
        if (Runtime.version().feature() >= 23) {
            command.add("--sun-misc-unsafe-memory-access=allow"); // quiet RocksDB's and Netty's warnings
        }
        command.addAll(jvmOptions);
        String jfrDir = System.getProperty("gourmetgram.bench.jfr");
        if (jfrDir != null) {
            command.add("-XX:StartFlightRecording=filename=" + Path.of(jfrDir).toAbsolutePath()
                    + "/%p.jfr,settings=profile,dumponexit=true");
        }
        command.addAll(List.of("-jar", jar.toString()));
        return command;
    }

    /** A tool of the JDK running the benchmark ({@code java}, {@code jcmd}, …). */
    public static String jdkTool(String name) {
        return Path.of(System.getProperty("java.home"), "bin", name).toString();
    }
}
