package io.gourmetgram.loop.accuracy.suites;

import io.gourmetgram.loop.events.Annotation;
import io.gourmetgram.loop.events.LabelingRequest;
import io.gourmetgram.loop.events.ObjectRef;
import io.gourmetgram.loop.events.Prediction;
import io.gourmetgram.loop.events.ReasonInclusion;
import io.gourmetgram.loop.events.SuiteManifestEntry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes test suites from human labels: the uploads labelled for a reason (optionally within a range of
 * prediction time and for one model), each once, with the label that stands now, copied into a new,
 * timestamped folder of the object store with a manifest and a summary.
 */
public final class TestSuites {

    private static final Logger log = LoggerFactory.getLogger(TestSuites.class);
    private static final DateTimeFormatter NAME_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private final Supplier<List<LabelledUpload>> labelled;
    private final TestSuiteStore store;
    private final Clock clock;

    public TestSuites(Supplier<List<LabelledUpload>> labelled, TestSuiteStore store, Clock clock) {
        this.labelled = labelled;
        this.store = store;
        this.clock = clock;
    }

    /** No labelled upload matches the selection: no suite is made. */
    public static final class NothingToInclude extends RuntimeException {
        NothingToInclude(String message) {
            super(message);
        }
    }

    /** A suite of that name exists already (two requests in the same second for the same reason). */
    public static final class SuiteExists extends RuntimeException {
        SuiteExists(String message) {
            super(message);
        }
    }

    public SuiteSummary create(SuiteSelection selection) throws Exception {
        Instant now = clock.instant();
        String name = NAME_TIME.format(now) + "-" + selection.suiteReason().wireName();
        store.ensureBucket();
        if (store.exists(name)) {
            throw new SuiteExists(
                    "Suite " + name + " exists already; suites are never rewritten. Try again in a second.");
        }
        List<LabelledUpload> chosen = labelled.get().stream()
                .filter(selection::selects)
                .sorted(Comparator.comparing(u -> u.request().uploadId()))
                .toList();
        if (chosen.isEmpty()) {
            throw new NothingToInclude("No human-labelled upload matches " + describe(selection) + ".");
        }
        List<SuiteManifestEntry> entries = new ArrayList<>();
        for (LabelledUpload upload : chosen) {
            ObjectRef image = store.copyImage(
                    name, upload.request().uploadId(), upload.request().object());
            entries.add(entry(upload, image));
        }
        SuiteSummary summary = new SuiteSummary(
                SuiteSummary.FORMAT_VERSION,
                name,
                store.bucket(),
                TestSuiteStore.prefix(name),
                now,
                selection,
                entries.size(),
                count(entries, e -> List.of(e.humanLabel())),
                count(
                        entries,
                        e -> e.reasons().stream()
                                .map(r -> r.reason().wireName())
                                .toList()),
                count(entries, e -> List.of(e.model().qualifiedName())));
        store.write(summary, entries);
        log.info(
                "Test suite {} written to s3://{}/{} with {} photos",
                name,
                store.bucket(),
                summary.prefix(),
                entries.size());
        return summary;
    }

    public List<SuiteSummary> list() throws Exception {
        return store.list();
    }

    private static SuiteManifestEntry entry(LabelledUpload upload, ObjectRef image) {
        LabelingRequest request = upload.request();
        Prediction prediction = request.prediction();
        Annotation label = upload.label();
        List<ReasonInclusion> reasons = request.reasons();
        return new SuiteManifestEntry(
                request.uploadId(),
                image,
                request.object(),
                label.label(),
                prediction.label(),
                prediction.confidence(),
                prediction.model(),
                prediction.scoredAt(),
                reasons,
                request.inclusionProbability(),
                label.annotatorId(),
                label.updatedAt());
    }

    private static Map<String, Long> count(
            List<SuiteManifestEntry> entries, java.util.function.Function<SuiteManifestEntry, List<String>> keys) {
        Map<String, Long> counts = new TreeMap<>();
        entries.forEach(e -> keys.apply(e).forEach(k -> counts.merge(k, 1L, Long::sum)));
        return counts;
    }

    private static String describe(SuiteSelection s) {
        return "reason " + s.reason() + (s.from() == null ? "" : ", from " + s.from())
                + (s.to() == null ? "" : ", to " + s.to()) + (s.model() == null ? "" : ", model " + s.model());
    }
}
