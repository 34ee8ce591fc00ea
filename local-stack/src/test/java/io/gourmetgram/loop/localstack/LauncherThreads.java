package io.gourmetgram.loop.localstack;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * CPU time of the launcher JVM's threads by what they serve: the Kafka broker, the S3 server, and the rest
 * (load generator, Label Studio fake, their Kafka clients). The JVM's own GC and JIT threads are not Java
 * threads, and threads that ended between two snapshots are not seen: their time is the process total
 * minus these parts.
 */
final class LauncherThreads {

    static final String BROKER = "broker";
    static final String S3 = "s3";
    static final String OTHER = "other";

    /** S3Proxy names its Jetty pool "S3Proxy-Jetty-…". */
    private static final Pattern S3_THREADS = Pattern.compile("^S3Proxy.*");
    /** Benchmark threads and the clients it runs; every other named thread of this JVM belongs to the broker. */
    private static final Pattern OTHER_THREADS = Pattern.compile("^(main|HttpClient-.*|pool-.*|bench-.*|Thread-.*"
            + "|process reaper.*|ForkJoinPool.*|kafka-producer-network-thread.*|kafka-coordinator-heartbeat.*"
            + "|kafka-admin-client-thread.*|consumer_background_thread.*|Attach Listener|Common-Cleaner"
            + "|Reference Handler|Finalizer|Signal Dispatcher|Notification Thread|Service Thread)$");

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

    /** Thread id → [part, CPU nanoseconds so far]. */
    Map<Long, Object[]> snapshot() {
        Map<Long, Object[]> cpu = new HashMap<>();
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            long nanos = threads.getThreadCpuTime(info.getThreadId());
            if (nanos >= 0) {
                cpu.put(info.getThreadId(), new Object[] {part(info.getThreadName()), nanos});
            }
        }
        return cpu;
    }

    /** Milliseconds of CPU per part between two snapshots (threads that started in between count whole). */
    static Map<String, Long> millisBetween(Map<Long, Object[]> before, Map<Long, Object[]> after) {
        Map<String, Long> millis = new LinkedHashMap<>(Map.of(BROKER, 0L, S3, 0L, OTHER, 0L));
        after.forEach((id, now) -> {
            Object[] then = before.get(id);
            long used = (long) now[1] - (then == null ? 0L : (long) then[1]);
            millis.merge((String) now[0], used / 1_000_000, Long::sum);
        });
        return millis;
    }

    static String part(String threadName) {
        if (S3_THREADS.matcher(threadName).matches()) {
            return S3;
        }
        return OTHER_THREADS.matcher(threadName).matches() ? OTHER : BROKER;
    }
}
