package io.gourmetgram.loop.localstack;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Requests the in-JVM Kafka broker has answered, by API (Produce, Fetch, EndTxn, …), from its own request meters
 * ({@code kafka.network:type=RequestMetrics,name=RequestsPerSec}, one per API and version): what each image costs
 * the broker in round trips.
 */
final class BrokerRequests {

    private static final MBeanServer JMX = ManagementFactory.getPlatformMBeanServer();
    private static final Set<String> SUBCOUNTS = Set.of("FetchConsumer", "FetchFollower");

    private BrokerRequests() {}

    /** API name → requests answered so far (every version summed). */
    static Map<String, Long> snapshot() {
        Map<String, Long> counts = new TreeMap<>();
        try {
            for (ObjectName meter :
                    JMX.queryNames(new ObjectName("kafka.network:type=RequestMetrics,name=RequestsPerSec,*"), null)) {
                counts.merge(
                        meter.getKeyProperty("request"),
                        ((Number) JMX.getAttribute(meter, "Count")).longValue(),
                        Long::sum);
            }
        } catch (JMException e) {
            throw new IllegalStateException("Reading the broker's request meters failed", e);
        }
        return counts;
    }

    /**
     * "17.6 in all: Fetch 6.1, Produce 4.4, …": requests per unit between two snapshots, most frequent first.
     * FetchConsumer and FetchFollower are the broker's second count of the same Fetch requests, so they are left out.
     */
    static String perUnit(Map<String, Long> before, Map<String, Long> after, int units) {
        List<Map.Entry<String, Long>> used = after.entrySet().stream()
                .filter(e -> !SUBCOUNTS.contains(e.getKey()))
                .map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0L)))
                .filter(e -> e.getValue() > 0)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .toList();
        long all = used.stream().mapToLong(Map.Entry::getValue).sum();
        return String.format("%.1f in all: ", all / (double) units)
                + used.stream()
                        .map(e -> String.format("%s %.1f", e.getKey(), e.getValue() / (double) units))
                        .collect(Collectors.joining(", "));
    }
}
