package io.gourmetgram.loop.accuracy.topology;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Fixed bands of top-1 confidence, finer where real classifiers put most of their predictions. */
final class ConfidenceBands {

    private static final double[] EDGES = {0, 0.5, 0.7, 0.8, 0.9, 0.95, 1.0};
    /** NAMES[i]: the band whose upper edge is EDGES[i] (formatted once: this runs for every prediction). */
    private static final String[] NAMES = new String[EDGES.length];

    private static final List<String> IN_ORDER;

    static {
        List<String> names = new ArrayList<>(EDGES.length - 1);
        for (int i = 1; i < EDGES.length; i++) {
            NAMES[i] = String.format(Locale.ROOT, "%.2f-%.2f", EDGES[i - 1], EDGES[i]);
            names.add(NAMES[i]);
        }
        IN_ORDER = List.copyOf(names);
    }

    private ConfidenceBands() {}

    /** The band's name, e.g. {@code 0.90-0.95}; the last band includes 1. */
    static String of(double confidence) {
        for (int i = 1; i < EDGES.length - 1; i++) {
            if (confidence < EDGES[i]) {
                return name(i);
            }
        }
        return name(EDGES.length - 1);
    }

    /** Every band's name, lowest first. */
    static List<String> names() {
        return IN_ORDER;
    }

    private static String name(int upper) {
        return NAMES[upper];
    }
}
