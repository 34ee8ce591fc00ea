package io.gourmetgram.loop.inference.evaluation;

import io.gourmetgram.loop.events.EventJson;
import io.gourmetgram.loop.events.ObjectRef;
import io.gourmetgram.loop.events.SuiteManifestEntry;
import io.gourmetgram.loop.inference.storage.ImageStore;
import io.gourmetgram.loop.inference.storage.ImageUnavailableException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * A test suite as accuracy-streams writes it ({@code suite.json}, {@code manifest.jsonl}, {@code images/}),
 * read from the object store ({@code s3://bucket/test-suites/<name>/}) or from a local copy of that folder.
 */
public final class TestSuite {

    /** Reads one photo of the suite. */
    @FunctionalInterface
    interface Photos {
        /**
         * @throws ImageUnavailableException the photo is not there (that photo is skipped)
         * @throws IOException               the store could not be read (the evaluation stops)
         */
        byte[] read(SuiteManifestEntry entry) throws IOException;
    }

    private final String name;
    private final String reason;
    private final List<SuiteManifestEntry> entries;
    private final Photos photos;

    TestSuite(String name, String reason, List<SuiteManifestEntry> entries, Photos photos) {
        this.name = name;
        this.reason = reason;
        this.entries = List.copyOf(entries);
        this.photos = photos;
    }

    public String name() {
        return name;
    }

    public String reason() {
        return reason;
    }

    public List<SuiteManifestEntry> entries() {
        return entries;
    }

    byte[] photo(SuiteManifestEntry entry) throws IOException {
        return photos.read(entry);
    }

    /** {@code location} is {@code s3://<bucket>/test-suites/<name>/}. */
    public static TestSuite fromObjectStore(ImageStore store, String location) throws IOException {
        String rest = location.substring("s3://".length());
        int slash = rest.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException(
                    "An object-store suite is s3://<bucket>/test-suites/<name>/, not " + location);
        }
        String bucket = rest.substring(0, slash);
        String prefix =
                rest.substring(slash + 1).endsWith("/") ? rest.substring(slash + 1) : rest.substring(slash + 1) + "/";
        byte[] summary = readRequired(store, new ObjectRef(bucket, prefix + SuiteManifestEntry.SUMMARY), location);
        byte[] manifest = readRequired(store, new ObjectRef(bucket, prefix + SuiteManifestEntry.MANIFEST), location);
        return parse(summary, manifest, entry -> store.read(entry.image()));
    }

    /** A local copy of a suite folder: {@code suite.json}, {@code manifest.jsonl} and {@code images/}. */
    public static TestSuite fromDirectory(Path dir) throws IOException {
        try {
            byte[] summary = Files.readAllBytes(dir.resolve(SuiteManifestEntry.SUMMARY));
            byte[] manifest = Files.readAllBytes(dir.resolve(SuiteManifestEntry.MANIFEST));
            return parse(summary, manifest, entry -> {
                Path file = dir.resolve("images")
                        .resolve(Path.of(entry.image().key()).getFileName());
                if (!Files.isRegularFile(file)) {
                    throw new ImageUnavailableException(file + " does not exist");
                }
                return Files.readAllBytes(file);
            });
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(dir + " is not a test suite: " + e.getFile() + " is missing", e);
        }
    }

    private static byte[] readRequired(ImageStore store, ObjectRef ref, String location) throws IOException {
        try {
            return store.read(ref);
        } catch (ImageUnavailableException e) {
            throw new IllegalArgumentException(
                    location + " is not a complete test suite: s3://" + ref.bucket() + "/" + ref.key() + " is missing",
                    e);
        }
    }

    private static TestSuite parse(byte[] summary, byte[] manifest, Photos photos) {
        JsonNode suite = EventJson.mapper().readTree(summary);
        List<SuiteManifestEntry> entries = new String(manifest, StandardCharsets.UTF_8)
                .lines()
                .filter(line -> !line.isBlank())
                .map(line -> EventJson.mapper().readValue(line, SuiteManifestEntry.class))
                .toList();
        return new TestSuite(
                suite.path("name").asString("unnamed"),
                suite.path("selection").path("reason").asString("unknown"),
                entries,
                photos);
    }
}
