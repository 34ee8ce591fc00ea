package io.gourmetgram.loop.events.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Fixtures every module's tests share, kept in the repository's {@code test-fixtures/} folder: 27 labelled
 * Food-11 photos (provenance and licence in {@code test-fixtures/README.md}).
 */
public final class SharedFixtures {

    /** Set by the root pom for surefire and failsafe; a test run from an IDE finds the folder by walking up. */
    static final String DIR_PROPERTY = "gourmetgram.fixtures.dir";

    private SharedFixtures() {}

    public static Path fixturesDir() {
        String configured = System.getProperty(DIR_PROPERTY);
        if (configured != null) {
            return requireFixtures(Path.of(configured));
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("test-fixtures/food11"))) {
                return dir.resolve("test-fixtures");
            }
        }
        throw new IllegalStateException("Test fixtures not found: run the tests from the repository (its test-fixtures/"
                + " folder holds them), or set -D" + DIR_PROPERTY + "=<repository>/test-fixtures");
    }

    /** The 27 sample photos, sorted by name; the number before '_' is the true class index. */
    public static List<Path> food11Photos() {
        try (Stream<Path> files = Files.list(fixturesDir().resolve("food11"))) {
            return files.filter(p -> p.toString().endsWith(".jpg")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** True class index of a sample photo, from its file name. */
    public static int trueClassIndex(Path photo) {
        String name = photo.getFileName().toString();
        return Integer.parseInt(name.substring(0, name.indexOf('_')));
    }

    private static Path requireFixtures(Path dir) {
        if (!Files.isDirectory(dir.resolve("food11"))) {
            throw new IllegalStateException("-D" + DIR_PROPERTY + " points at " + dir.toAbsolutePath()
                    + ", which has no food11/ folder of test photos");
        }
        return dir;
    }
}
