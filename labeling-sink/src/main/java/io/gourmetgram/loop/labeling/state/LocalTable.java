package io.gourmetgram.loop.labeling.state;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local key → value table on disk (RocksDB), for what this stage follows from a topic and would otherwise keep
 * in its heap forever (one receipt per upload ever reviewed, one entry per annotation). The topic stays the source
 * of truth: the table lives in a fresh folder, is filled from the topic at every start, needs no write-ahead log and
 * is deleted on close. Its memory is bounded by RocksDB's write buffers and block cache, not by history.
 * Operations are short and serialised; after {@link #close()} reads answer nothing and writes are ignored.
 *
 * <p>A killed process cannot delete its folder, and a container that restarts keeps its state volume: so opening a
 * table first removes the folders of the same name that no process holds any more (RocksDB's {@code LOCK} file free),
 * or a crash-looping replica would fill the volume one copy of the history at a time.
 */
public final class LocalTable implements AutoCloseable {

    static {
        RocksDB.loadLibrary();
    }

    private static final Logger log = LoggerFactory.getLogger(LocalTable.class);
    private static final long WRITE_BUFFER_BYTES = 4L << 20;
    /** A folder younger than this may be one another process is still opening: left alone. */
    private static final Duration ABANDONED_AFTER = Duration.ofMinutes(1);
    /**
     * Folders open in this JVM. Their {@code LOCK} is held by this very process, which POSIX record locks do not
     * protect against itself (and closing a probe channel would even drop RocksDB's lock), so they are never probed.
     */
    private static final Set<Path> OPEN_HERE = ConcurrentHashMap.newKeySet();

    private static final long BLOCK_CACHE_BYTES = 8L << 20;

    private final Path dir;
    private final LRUCache cache;
    private final Options options;
    private final WriteOptions writes;
    private final RocksDB db;
    private boolean closed;

    /** Opens an empty table in a new folder inside {@code stateDir} (LABELING_STATE_DIR). */
    public LocalTable(Path stateDir, String name) {
        try {
            Files.createDirectories(stateDir);
            removeAbandoned(stateDir, name);
            this.dir = Files.createTempDirectory(stateDir, name + "-");
            OPEN_HERE.add(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Cannot create a folder for " + name + " in " + stateDir
                            + " (LABELING_STATE_DIR must be a writable folder)",
                    e);
        }
        this.cache = new LRUCache(BLOCK_CACHE_BYTES);
        this.options = new Options()
                .setCreateIfMissing(true)
                .setWriteBufferSize(WRITE_BUFFER_BYTES)
                .setMaxWriteBufferNumber(2)
                .setKeepLogFileNum(1)
                .setTableFormatConfig(new BlockBasedTableConfig().setBlockCache(cache));
        this.writes = new WriteOptions().setDisableWAL(true); // refilled from the topic at start: no log needed
        try {
            this.db = RocksDB.open(options, dir.toString());
        } catch (RocksDBException e) {
            throw new IllegalStateException("Cannot open the " + name + " table in " + dir + ": " + e.getMessage(), e);
        }
    }

    public synchronized byte[] get(byte[] key) {
        if (closed) {
            return null;
        }
        try {
            return db.get(key);
        } catch (RocksDBException e) {
            throw new IllegalStateException("Cannot read " + dir + ": " + e.getMessage(), e);
        }
    }

    public synchronized void put(byte[] key, byte[] value) {
        if (closed) {
            return;
        }
        try {
            db.put(writes, key, value);
        } catch (RocksDBException e) {
            throw new IllegalStateException("Cannot write " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Replaces the value atomically with {@code change(current)} (current is null when absent); a null result
     * deletes it, the same array leaves it as it is.
     */
    public synchronized void update(byte[] key, UnaryOperator<byte[]> change) {
        if (closed) {
            return;
        }
        try {
            byte[] current = db.get(key);
            byte[] next = change.apply(current);
            if (next == null) {
                if (current != null) {
                    db.delete(writes, key);
                }
            } else if (next != current) {
                db.put(writes, key, next);
            }
        } catch (RocksDBException e) {
            throw new IllegalStateException("Cannot write " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Every entry whose key starts with {@code prefix}, in key order. */
    public synchronized void forEachWithPrefix(byte[] prefix, BiConsumer<byte[], byte[]> action) {
        if (closed) {
            return;
        }
        try (RocksIterator it = db.newIterator()) {
            for (it.seek(prefix); it.isValid(); it.next()) {
                byte[] key = it.key();
                if (key.length < prefix.length || !Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length)) {
                    return;
                }
                action.accept(key, it.value());
            }
        }
    }

    /** About how many keys the table holds (RocksDB's estimate). */
    public synchronized long estimatedKeys() {
        if (closed) {
            return 0;
        }
        try {
            return db.getLongProperty("rocksdb.estimate-num-keys");
        } catch (RocksDBException e) {
            return -1;
        }
    }

    /** Closes the table and deletes its folder (the topic keeps the data). */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        db.close();
        writes.close();
        options.close();
        cache.close();
        deleteFolder(dir); // if it fails, the next start removes it
        OPEN_HERE.remove(dir);
    }

    /** Deletes the {@code name-*} folders in {@code stateDir} whose RocksDB lock no process holds. */
    static void removeAbandoned(Path stateDir, String name) {
        Instant youngest = Instant.now().minus(ABANDONED_AFTER);
        try (DirectoryStream<Path> folders = Files.newDirectoryStream(stateDir, name + "-*")) {
            for (Path folder : folders) {
                Path lock = folder.resolve("LOCK");
                if (OPEN_HERE.contains(folder)
                        || !Files.isRegularFile(lock)
                        || Files.getLastModifiedTime(lock).toInstant().isAfter(youngest)
                        || heldByAnotherProcess(lock)) {
                    continue;
                }
                deleteFolder(folder);
                log.info("Removed {}, left behind by a process that stopped without closing it", folder);
            }
        } catch (IOException e) {
            log.warn("Could not look for abandoned {} folders in {}: {}", name, stateDir, e.toString());
        }
    }

    private static boolean heldByAnotherProcess(Path lock) {
        try (FileChannel channel = FileChannel.open(lock, StandardOpenOption.WRITE)) {
            FileLock probe = channel.tryLock();
            return probe == null;
        } catch (IOException | OverlappingFileLockException e) {
            return true; // cannot tell: keep it
        }
    }

    private static void deleteFolder(Path folder) {
        try (Stream<Path> files = Files.walk(folder)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            log.debug("Could not delete {}: {}", folder, e.toString());
        }
    }
}
