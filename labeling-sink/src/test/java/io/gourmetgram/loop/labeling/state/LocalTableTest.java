package io.gourmetgram.loop.labeling.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalTableTest {

    @TempDir
    Path stateDir;

    @Test
    void aFolderLeftBehindByAKilledProcessIsRemovedWhenTheTableOpensAgain() throws IOException {
        Path leftOver = folderWithLock("labeling-receipts-111", Duration.ofHours(1));

        try (LocalTable table = new LocalTable(stateDir, "labeling-receipts")) {
            table.put(bytes("upload-1"), bytes("task-7"));

            assertThat(leftOver).doesNotExist();
            assertThat(table.get(bytes("upload-1"))).isEqualTo(bytes("task-7"));
        }
        assertThat(stateDir).isEmptyDirectory();
    }

    @Test
    void foldersInUseOrOfAnotherNameOrJustCreatedAreKept() throws IOException {
        Path otherTable = folderWithLock("annotations-222", Duration.ofHours(1));
        Path beingOpened = folderWithLock("labeling-receipts-333", Duration.ZERO);

        try (LocalTable first = new LocalTable(stateDir, "labeling-receipts");
                LocalTable second = new LocalTable(stateDir, "labeling-receipts")) {
            first.put(bytes("upload-1"), bytes("task-7"));

            assertThat(first.get(bytes("upload-1"))).isEqualTo(bytes("task-7"));
            assertThat(otherTable).exists();
            assertThat(beingOpened).exists();
            assertThat(second.get(bytes("upload-1"))).isNull();
        }
    }

    @Test
    void aFolderAnotherLiveProcessHoldsIsKept() throws Exception {
        Path held = folderWithLock("labeling-receipts-444", Duration.ofHours(1));
        Path holder = Files.writeString(stateDir.resolve("LockHolder.java"), """
                import java.nio.channels.FileChannel;
                import java.nio.file.*;
                public class LockHolder {
                    public static void main(String[] args) throws Exception {
                        try (FileChannel c = FileChannel.open(Path.of(args[0]), StandardOpenOption.WRITE)) {
                            c.lock();
                            System.out.println("locked");
                            System.out.flush();
                            System.in.read();
                        }
                    }
                }
                """);
        String java = ProcessHandle.current().info().command().orElse("java");
        Process process = new ProcessBuilder(
                        java, holder.toString(), held.resolve("LOCK").toString())
                .redirectErrorStream(true)
                .start();
        try {
            byte[] said = process.getInputStream().readNBytes("locked".length());
            assertThat(new String(said, StandardCharsets.UTF_8)).isEqualTo("locked");

            try (LocalTable table = new LocalTable(stateDir, "labeling-receipts")) {
                assertThat(held).exists();
            }
        } finally {
            process.destroy();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private Path folderWithLock(String name, Duration age) throws IOException {
        Path folder = Files.createDirectories(stateDir.resolve(name));
        Files.writeString(folder.resolve("000001.sst"), "old data");
        Path lock = Files.createFile(folder.resolve("LOCK"));
        Files.setLastModifiedTime(lock, FileTime.from(Instant.now().minus(age)));
        return folder;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
