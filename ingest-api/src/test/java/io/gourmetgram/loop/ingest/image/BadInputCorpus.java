package io.gourmetgram.loop.ingest.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The files of the bad-input corpus ({@code src/test/resources/bad-input}, written by its {@code generate.py}). */
public final class BadInputCorpus {

    private BadInputCorpus() {}

    public static byte[] bytes(String file) {
        try (InputStream in = BadInputCorpus.class.getResourceAsStream("/bad-input/" + file)) {
            if (in == null) {
                throw new IllegalArgumentException(
                        "No corpus file " + file + "; run src/test/resources/bad-input/generate.py");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
