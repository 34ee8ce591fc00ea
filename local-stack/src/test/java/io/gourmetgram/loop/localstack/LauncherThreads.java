package io.gourmetgram.loop.localstack;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * CPU time of the launcher JVM's threads by what they serve: the Kafka broker, the S3 server (together the
 * stack), the benchmark's load generator, the Label Studio fake, and the JVM's own compiler (JIT) and GC/VM
 * threads. Java threads are told apart by name (ThreadMXBean); the JIT and GC threads are not Java threads and
 * are read from {@code /proc/self/task}. Threads that ended between two snapshots are not seen: their time is the
 * process total minus these parts.
 */
final class LauncherThreads {

    static final String BROKER = "broker";
    static final String S3 = "s3";
    static final String LOAD = "load generator";
    static final String FAKE = "Label Studio fake";
    static final String JIT = "JIT compilers";
    static final String GC = "GC and VM threads";
    static final String JVM = "JVM service threads";
    static final List<String> PARTS = List.of(BROKER, S3, LOAD, FAKE, JIT, GC, JVM);

    /** S3Proxy names its Jetty pool "S3Proxy-Jetty-…". */
    private static final Pattern S3_THREADS = Pattern.compile("^S3Proxy.*");
    /** The benchmark names its own threads "bench-…"; the Kafka clients it runs name theirs after the client. */
    private static final Pattern LOAD_THREADS = Pattern.compile("^(main|bench-.*|kafka-producer-network-thread.*"
            + "|kafka-coordinator-heartbeat.*|kafka-admin-client-thread.*|consumer_background_thread.*)$");
    /** labeling-sink's Label Studio fake: the JDK's HTTP server, its default-named pools and its webhook client. */
    private static final Pattern FAKE_THREADS = Pattern.compile("^(HTTP-Dispatcher|pool-.*|HttpClient-.*)$");

    private static final Pattern JVM_THREADS = Pattern.compile("^(process reaper.*|Attach Listener|Common-Cleaner"
            + "|Reference Handler|Finalizer|Signal Dispatcher|Notification Thread|Service Thread|JFR .*)$");
    /** Native thread names (Linux keeps 15 characters) of HotSpot's compilers and its GC/VM threads. */
    private static final Pattern JIT_TASKS = Pattern.compile("^C[12] CompilerThre.*");

    private static final Pattern GC_TASKS =
            Pattern.compile("^(VM Thread|GC Thread.*|G1 .*|VM Periodic Task|Monitor Deflati.*)$");

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    /** Name prefixes of the load generator's HTTP client threads (the JDK names them "HttpClient-N-…"). */
    private final Set<String> loadHttpClients = ConcurrentHashMap.newKeySet();

    /** One thread's part and CPU nanoseconds so far. */
    record Cpu(String part, long nanos) {}

    /**
     * Marks the JDK HTTP clients running now as the load generator's: call after creating them and before the
     * Label Studio fake starts its own.
     */
    void httpClientsSoFarAreLoad() {
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && info.getThreadName().matches("HttpClient-\\d+-SelectorManager")) {
                loadHttpClients.add(info.getThreadName().replace("SelectorManager", ""));
            }
        }
    }

    /** Thread (Java id or native task id) → its part and CPU so far. */
    Map<String, Cpu> snapshot() {
        Map<String, Cpu> cpu = new HashMap<>();
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            long nanos = threads.getThreadCpuTime(info.getThreadId());
            if (nanos >= 0) {
                cpu.put("java-" + info.getThreadId(), new Cpu(part(info.getThreadName()), nanos));
            }
        }
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            tasks.forEach(task -> nativeThread(task).ifPresent(c -> cpu.put("task-" + task.getFileName(), c)));
        } catch (IOException e) {
            // not Linux: the JIT and GC show in the unattributed remainder
        }
        return cpu;
    }

    /** Milliseconds of CPU per part between two snapshots (threads that started in between count whole). */
    static Map<String, Long> millisBetween(Map<String, Cpu> before, Map<String, Cpu> after) {
        Map<String, Long> millis = new LinkedHashMap<>();
        PARTS.forEach(p -> millis.put(p, 0L));
        after.forEach((id, now) -> {
            Cpu then = before.get(id);
            long used = now.nanos() - (then == null ? 0L : then.nanos());
            millis.merge(now.part(), used / 1_000_000, Long::sum);
        });
        return millis;
    }

    String part(String threadName) {
        if (S3_THREADS.matcher(threadName).matches()) {
            return S3;
        }
        if (LOAD_THREADS.matcher(threadName).matches()
                || loadHttpClients.stream().anyMatch(threadName::startsWith)) {
            return LOAD;
        }
        if (FAKE_THREADS.matcher(threadName).matches()) {
            return FAKE;
        }
        return JVM_THREADS.matcher(threadName).matches() ? JVM : BROKER;
    }

    /** A compiler or GC/VM thread from {@code /proc/self/task/TID/stat}; Java threads are read through JMX. */
    private static Optional<Cpu> nativeThread(Path task) {
        try {
            String stat = Files.readString(task.resolve("stat"));
            String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
            String part = JIT_TASKS.matcher(name).matches()
                    ? JIT
                    : GC_TASKS.matcher(name).matches() ? GC : null;
            if (part == null) {
                return Optional.empty();
            }
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
            return Optional.of(new Cpu(part, ticks * 10_000_000L)); // clock ticks of 10 ms
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // the thread ended
        }
    }
}
