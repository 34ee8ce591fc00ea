package io.gourmetgram.loop.events;

import java.time.Instant;
import java.util.List;

/**
 * One line of a test suite's {@code manifest.jsonl}: a photo, its human label as it stands when the
 * suite was made, and what the production model said about it. Test suites are folders
 * {@code test-suites/<UTC timestamp>-<reason>/} in the object store with the photos
 * ({@code images/}), this manifest and a {@code suite.json} summary; accuracy-streams writes them,
 * inference-processor's evaluation reads them, so the line format lives here in the contract.
 *
 * @param image                the photo's copy inside the suite (same bucket as {@code suite.json})
 * @param source               where the upload's photo is in the object store
 * @param reasons              why the upload was reviewed, each with its inclusion probability
 * @param inclusionProbability probability the upload was reviewed at all (1/weight for production estimates)
 * @param labelledAt           when the annotation that counts was last changed in Label Studio
 */
public record SuiteManifestEntry(
        String uploadId,
        ObjectRef image,
        ObjectRef source,
        String humanLabel,
        String predictedLabel,
        double confidence,
        ModelRef model,
        Instant predictedAt,
        List<ReasonInclusion> reasons,
        double inclusionProbability,
        String annotator,
        Instant labelledAt) {

    /** Folder of all suites in their bucket. */
    public static final String SUITES_PREFIX = "test-suites/";

    public static final String MANIFEST = "manifest.jsonl";
    public static final String SUMMARY = "suite.json";

    public SuiteManifestEntry {
        reasons = List.copyOf(reasons);
    }

    /** Inclusion probability for one reason (e.g. the random sample rate), or null when the upload lacks that reason. */
    public Double inclusionFor(ReviewReason reason) {
        return reasons.stream()
                .filter(r -> r.reason() == reason)
                .findFirst()
                .map(ReasonInclusion::inclusionProbability)
                .orElse(null);
    }
}
