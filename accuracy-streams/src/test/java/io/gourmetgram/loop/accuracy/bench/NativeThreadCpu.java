package io.gourmetgram.loop.accuracy.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * CPU of the threads the JVM and native libraries run outside Java — JIT compilers, garbage collector,
 * RocksDB's background flushes and compactions — from {@code /proc/self/task} (Linux), which
 * {@code StreamsBenchmarkRun} counts only as one "JIT compilers and GC" rest. Threads that end take their
 * CPU time along, so a daemon thread reads them every {@value #PERIOD_MS} ms and keeps the last value.
 */
final class NativeThreadCpu implements AutoCloseable {

    private static final long PERIOD_MS = 200;
    private static final long NANOS_PER_TICK = 10_000_000L; // USER_HZ = 100 on Linux

    private final Map<Integer, Sample> seen = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("native-thread-cpu").factory());
    private Map<String, Long> baseline = Map.of();

    private record Sample(String group, long nanos) {}

    NativeThreadCpu() {
        sampler.scheduleAtFixedRate(this::sample, 0, PERIOD_MS, TimeUnit.MILLISECONDS);
    }

    /** Starts the measured window. */
    void mark() {
        sample();
        baseline = totals();
    }

    /** CPU nanoseconds of each group since {@link #mark()}. */
    Map<String, Long> sinceMark() {
        sample();
        Map<String, Long> delta = new TreeMap<>();
        totals().forEach((group, nanos) -> delta.put(group, nanos - baseline.getOrDefault(group, 0L)));
        return delta;
    }

    private synchronized void sample() {
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path task : tasks) {
                String group = group(Files.readString(task.resolve("comm")).strip());
                if (group != null) {
                    seen.put(Integer.parseInt(task.getFileName().toString()), new Sample(group, nanos(task)));
                }
            }
        } catch (IOException | RuntimeException e) {
            // a thread ended while being read: its last sample stands
        }
    }

    private Map<String, Long> totals() {
        Map<String, Long> totals = new HashMap<>();
        seen.values().forEach(s -> totals.merge(s.group(), s.nanos(), Long::sum));
        return totals;
    }

    /** Names as Linux shows them (15 characters at most); null for the Java threads. */
    private static String group(String comm) {
        if (comm.startsWith("C1 Compiler") || comm.startsWith("C2 Compiler")) {
            return "JIT compilers";
        }
        if (comm.startsWith("GC Thread") || comm.startsWith("G1 ") || comm.equals("VM Thread")) {
            return "GC and safepoints";
        }
        return comm.startsWith("rocksdb") ? "RocksDB background" : null;
    }

    private static long nanos(Path task) throws IOException {
        String stat = Files.readString(task.resolve("stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * NANOS_PER_TICK; // utime + stime
    }

    @Override
    public void close() {
        sampler.shutdownNow();
    }
}
