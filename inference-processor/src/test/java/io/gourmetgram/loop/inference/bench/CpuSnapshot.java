package io.gourmetgram.loop.inference.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * CPU time of a process and of each of its threads, from Linux's {@code /proc/<pid>/task/<tid>/stat}, in
 * clock ticks. Threads are grouped by their name without digits ({@code decode-0} and {@code decode-1} are
 * {@code decode-}); native threads that were never named (ONNX Runtime's) carry the name of the thread that
 * created them. Time of threads that ended between two snapshots shows as "(threads that ended)".
 */
record CpuSnapshot(long total, Map<Long, Long> ticksByThread, Map<Long, String> names, Map<Long, long[]> scheduling) {

    /** USER_HZ: 100 on every Linux x86-64 and arm64 kernel. */
    static final long TICKS_PER_SECOND = 100;

    static CpuSnapshot of(long pid) throws IOException {
        Path proc = Path.of("/proc", String.valueOf(pid));
        Map<Long, Long> ticks = new HashMap<>();
        Map<Long, String> names = new HashMap<>();
        Map<Long, long[]> scheduling = new HashMap<>();
        try (Stream<Path> tasks = Files.list(proc.resolve("task"))) {
            for (Path task : tasks.toList()) {
                try {
                    long tid = Long.parseLong(task.getFileName().toString());
                    ticks.put(tid, ticks(Files.readString(task.resolve("stat"))));
                    names.put(tid, Files.readString(task.resolve("comm")).trim().replaceAll("[0-9#]+", ""));
                    String[] sched =
                            Files.readString(task.resolve("schedstat")).trim().split(" ");
                    scheduling.put(tid, new long[] {Long.parseLong(sched[0]), Long.parseLong(sched[1])});
                } catch (NoSuchFileException ended) {
                    // the thread ended while we listed them
                }
            }
        }
        return new CpuSnapshot(ticks(Files.readString(proc.resolve("stat"))), ticks, names, scheduling);
    }

    /** What was used between {@code before} and this snapshot. */
    CpuSnapshot minus(CpuSnapshot before) {
        Map<Long, Long> used = new HashMap<>();
        ticksByThread.forEach((tid, t) -> used.put(tid, t - before.ticksByThread.getOrDefault(tid, 0L)));
        Map<Long, long[]> scheduled = new HashMap<>();
        scheduling.forEach((tid, s) -> {
            long[] b = before.scheduling.getOrDefault(tid, new long[2]);
            scheduled.put(tid, new long[] {s[0] - b[0], s[1] - b[1]});
        });
        return new CpuSnapshot(total - before.total, used, names, scheduled);
    }

    /**
     * How the threads named {@code group} (e.g. {@code decode-}) spent {@code seconds} of wall time, from the
     * kernel's schedstat: running, runnable but waiting for a core (other work on the machine), and idle (no work:
     * what the service's own pipeline can fix).
     */
    String timeShares(String group, double seconds) {
        long running = 0;
        long waiting = 0;
        int threads = 0;
        for (Map.Entry<Long, long[]> e : scheduling.entrySet()) {
            if (group.equals(names.get(e.getKey()))) {
                running += e.getValue()[0];
                waiting += e.getValue()[1];
                threads++;
            }
        }
        double all = threads * seconds * 1e9;
        return threads == 0
                ? "-"
                : String.format(
                        "%.0f / %.0f / %.0f",
                        100 * running / all, 100 * waiting / all, 100 * (all - running - waiting) / all);
    }

    Map<String, Long> byThread() {
        Map<String, Long> groups = new TreeMap<>();
        ticksByThread.forEach((tid, t) -> groups.merge(names.get(tid), t, Long::sum));
        long named = groups.values().stream().mapToLong(Long::longValue).sum();
        if (total > named) {
            groups.put("(threads that ended)", total - named);
        }
        return groups;
    }

    /** utime + stime (fields 14 and 15; the name in parentheses may hold spaces). */
    private static long ticks(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }
}
