package io.gourmetgram.loop.localstack;

import java.lang.management.ManagementFactory;
import java.util.Map;
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

    /** "Fetch 12.3, Produce 4.0, …": requests per unit between two snapshots, most frequent first. */
    static String perUnit(Map<String, Long> before, Map<String, Long> after, int units) {
        return after.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0L)))
                .filter(e -> e.getValue() > 0)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .map(e -> String.format("%s %.1f", e.getKey(), e.getValue() / (double) units))
                .collect(Collectors.joining(", "));
    }
}
