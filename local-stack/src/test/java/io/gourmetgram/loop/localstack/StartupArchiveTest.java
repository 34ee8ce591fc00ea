package io.gourmetgram.loop.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StartupArchiveTest {

    private static final Stage STAGE = new Stage("sampling-streams", 8082);
    private static final List<String> OPTIONS = List.of("-XX:+UseSerialGC", "-Xmx128m");

    @TempDir
    Path dir;

    @Test
    void aStageWithoutAnArchiveStartsFromItsExecJarWithItsOwnOptions() throws IOException {
        Path jar = jar("build-1", Instant.parse("2026-12-01T00:00:00Z"));

        StartupArchive.Launch launch =
                new StartupArchive(dir.resolve("archives"), Duration.ofMinutes(1)).launch(STAGE, jar, OPTIONS);

        assertThat(launch.jar()).isEqualTo(jar);
        assertThat(launch.jvmOptions()).isEqualTo(OPTIONS);
    }

    @Test
    void onceMadeTheStageStartsFromTheExtractedJarWithTheArchive() throws IOException {
        Path jar = jar("build-1", Instant.parse("2026-12-01T00:00:00Z"));
        Path made = dir.resolve("archives/sampling-streams").resolve(StartupArchive.key(jar, OPTIONS));
        Path extracted = Files.createDirectories(made.resolve("app")).resolve(jar.getFileName());
        Files.writeString(extracted, "extracted");
        Path archive = Files.writeString(
                made.resolve("sampling-streams" + (StartupArchive.aotCache() ? ".aot" : ".jsa")), "archive");

        StartupArchive.Launch launch =
                new StartupArchive(dir.resolve("archives"), Duration.ofMinutes(1)).launch(STAGE, jar, OPTIONS);

        assertThat(launch.jar()).isEqualTo(extracted);
        assertThat(launch.jvmOptions())
                .startsWith(OPTIONS.toArray(String[]::new))
                .hasSize(OPTIONS.size() + 1);
        assertThat(launch.jvmOptions().getLast()).endsWith("=" + archive);
    }

    @Test
    void aRebuildOfTheSameClassesKeepsTheArchiveButNewClassesOrOptionsGetANewOne() throws IOException {
        Path jar = jar("build-1", Instant.parse("2026-12-01T00:00:00Z"));
        String first = StartupArchive.key(jar, OPTIONS);

        // Every build rewrites the exec jar with new timestamps; its classes are the same.
        Path rebuilt = jar("build-1", Instant.parse("2026-12-01T01:00:00Z"));
        assertThat(StartupArchive.key(rebuilt, OPTIONS)).isEqualTo(first);

        Path changed = jar("build-2", Instant.parse("2026-12-01T01:00:00Z"));
        assertThat(StartupArchive.key(changed, OPTIONS)).isNotEqualTo(first);
        assertThat(StartupArchive.key(jar, List.of("-XX:+UseSerialGC", "-Xmx256m")))
                .isNotEqualTo(first);
    }

    @Test
    void optionsThatChooseTheirOwnArchiveAreLeftAlone() throws IOException {
        Path jar = jar("build-1", Instant.parse("2026-12-01T00:00:00Z"));
        List<String> own = List.of("-Xshare:off");

        StartupArchive archives = new StartupArchive(dir.resolve("archives"), Duration.ofMinutes(1));
        try {
            archives.make(STAGE, jar, own, Map.of());
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }

        assertThat(archives.launch(STAGE, jar, own)).isEqualTo(new StartupArchive.Launch(jar, own));
        assertThat(dir.resolve("archives")).doesNotExist();
    }

    /** A stale archive (another JDK, another build, a damaged file) costs speed, never the start. */
    @Test
    void theJvmStartsWithAnArchiveItCannotUse() throws Exception {
        Path damaged = Files.writeString(dir.resolve("damaged.aot"), "not an archive");
        String option = (StartupArchive.aotCache() ? "-XX:AOTCache=" : "-XX:SharedArchiveFile=") + damaged;

        Process java = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(), option, "-version")
                .redirectErrorStream(true)
                .start();
        String output = new String(java.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(java.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(java.exitValue()).as(output).isZero();
    }

    /** An exec jar whose one class has this content, written with these entry and file times. */
    private Path jar(String content, Instant time) throws IOException {
        Path jar = dir.resolve("sampling-streams-exec.jar");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(jar))) {
            ZipEntry entry = new ZipEntry("BOOT-INF/classes/Stage.class");
            entry.setLastModifiedTime(FileTime.from(time));
            zip.putNextEntry(entry);
            zip.write(content.getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        Files.setLastModifiedTime(jar, FileTime.from(time));
        return jar;
    }
}
