package io.gourmetgram.loop.events.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The fixtures in {@code ../shared/bench} (beside the repository root): 27 labelled Food-11 photos
 * and a MobileNetV2-shaped ONNX model with random weights. Read in place, never copied.
 */
public final class SharedFixtures {

    private SharedFixtures() {
    }

    public static Path sharedDir() {
        String configured = System.getProperty("gourmetgram.shared.dir");
        Path dir = configured != null ? Path.of(configured) : Path.of("..", "..", "shared");
        if (!Files.isDirectory(dir.resolve("bench"))) {
            throw new IllegalStateException("Shared fixtures not found at " + dir.toAbsolutePath()
                    + ": tests expect the 'shared' folder beside the repository root (set -Dgourmetgram.shared.dir to override)");
        }
        return dir;
    }

    /** The 27 sample photos, sorted by name; the number before '_' is the true class index. */
    public static List<Path> food11Photos() {
        try (Stream<Path> files = Files.list(sharedDir().resolve("bench/images/food11"))) {
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

    /** The MobileNetV2-shaped model with random weights (input "input" [N,3,224,224], output "logits" [N,11]). */
    public static Path randomMobileNetV2() {
        return sharedDir().resolve("bench/mobilenetv2_food11_random.onnx");
    }
}
