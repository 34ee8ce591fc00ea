package io.gourmetgram.loop.localstack;

import io.gourmetgram.loop.events.AccuracyWindow;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * When each posted annotation was first counted in an accuracy record. Windows carry counts, not upload
 * ids, so annotations are matched to counts per human label in the order they were posted: when the
 * labelled count of label L, summed over the latest record of every window, reaches n, the n-th annotation
 * posted with L has been counted. Exact when accuracy-streams counts annotations of one label in the order
 * they were posted; annotations of different uploads may overtake each other across partitions, which
 * swaps whose latency a sample is, not the distribution.
 */
final class CountedAnnotations {

    private final Map<String, Deque<Long>> waiting = new HashMap<>();
    private final Map<String, Long> countedSoFar = new HashMap<>();
    private final Map<String, Map<String, Long>> latestByWindow = new HashMap<>();
    private final List<Double> samplesMs = new ArrayList<>();
    private long sampleFrom = Long.MAX_VALUE;
    private int sampledPosted;
    private int sampledCounted;

    /** Annotations posted from now on are sampled (earlier ones are still matched, never sampled). */
    synchronized void startSampling() {
        sampleFrom = System.nanoTime();
        samplesMs.clear();
        sampledPosted = 0;
        sampledCounted = 0;
    }

    synchronized void posted(String label, long at) {
        waiting.computeIfAbsent(label, l -> new ArrayDeque<>()).add(at);
        if (at >= sampleFrom) {
            sampledPosted++;
        }
    }

    /** The latest record of a window, read at {@code now}. */
    synchronized void window(String key, AccuracyWindow window, long now) {
        Map<String, Long> byLabel = new HashMap<>();
        if (window.byTrueClass() != null) {
            window.byTrueClass().forEach((label, tally) -> byLabel.put(label, tally.labelled()));
        }
        latestByWindow.put(key, byLabel);
        Map<String, Long> total = new HashMap<>();
        latestByWindow.values().forEach(m -> m.forEach((label, n) -> total.merge(label, n, Long::sum)));
        total.forEach((label, n) -> {
            Deque<Long> queue = waiting.getOrDefault(label, new ArrayDeque<>());
            while (countedSoFar.getOrDefault(label, 0L) < n && !queue.isEmpty()) {
                long at = queue.poll();
                countedSoFar.merge(label, 1L, Long::sum);
                if (at >= sampleFrom) {
                    sampledCounted++;
                    samplesMs.add((now - at) / 1e6);
                }
            }
        });
    }

    synchronized int sampledPosted() {
        return sampledPosted;
    }

    synchronized int sampledCounted() {
        return sampledCounted;
    }

    /** p50 / p99 of the sampled annotations that were counted. */
    synchronized String latencies() {
        double[] ms =
                samplesMs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        if (ms.length == 0) {
            return "none counted";
        }
        return String.format(
                "%.0f ms / %.0f ms", LoopBenchmark.percentile(ms, 0.50), LoopBenchmark.percentile(ms, 0.99));
    }
}
