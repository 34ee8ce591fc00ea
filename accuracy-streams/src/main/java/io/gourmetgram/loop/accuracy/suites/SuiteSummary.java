package io.gourmetgram.loop.accuracy.suites;

import java.time.Instant;
import java.util.Map;

/**
 * A suite's {@code suite.json}: its name, where it is, how it was selected, and what is in it.
 * Written last, so a suite whose {@code suite.json} exists is complete.
 *
 * @param prefix   folder of the suite in {@code bucket}: {@code test-suites/<name>/}
 * @param byClass  photos per human label
 * @param byReason photos per review reason (a photo reviewed for several reasons counts in each)
 * @param models   photos per production model ({@code id:version}) that predicted them
 */
public record SuiteSummary(
        int formatVersion,
        String name,
        String bucket,
        String prefix,
        Instant createdAt,
        SuiteSelection selection,
        long count,
        Map<String, Long> byClass,
        Map<String, Long> byReason,
        Map<String, Long> models) {

    public static final int FORMAT_VERSION = 1;
}
