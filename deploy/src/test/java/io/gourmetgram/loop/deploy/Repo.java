package io.gourmetgram.loop.deploy;

import java.nio.file.Files;
import java.nio.file.Path;

/** Files of the repository these checks read (the chart, the compose file, dashboards, rules). */
final class Repo {

    private static final Path ROOT = root();

    private Repo() {}

    static Path path(String relative) {
        return ROOT.resolve(relative);
    }

    private static Path root() {
        String configured = System.getProperty("gourmetgram.repo.dir");
        Path root = (configured != null ? Path.of(configured) : Path.of(".."))
                .toAbsolutePath()
                .normalize();
        if (!Files.isDirectory(root.resolve("helm"))) {
            throw new IllegalStateException("Cannot find the repository root (with helm/) at " + root
                    + "; run from the deploy module or set -Dgourmetgram.repo.dir");
        }
        return root;
    }
}
