package io.gourmetgram.loop.labeling.state;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
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

/**
 * A local key → value table on disk (RocksDB), for what this stage follows from a topic and would otherwise keep
 * in its heap forever (one receipt per upload ever reviewed, one entry per annotation). The topic stays the source
 * of truth: the table lives in a fresh folder, is filled from the topic at every start, needs no write-ahead log and
 * is deleted on close. Its memory is bounded by RocksDB's write buffers and block cache, not by history.
 * Operations are short and serialised; after {@link #close()} reads answer nothing and writes are ignored.
 */
public final class LocalTable implements AutoCloseable {

    static {
        RocksDB.loadLibrary();
    }

    private static final long WRITE_BUFFER_BYTES = 4L << 20;
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
            this.dir = Files.createTempDirectory(Files.createDirectories(stateDir), name + "-");
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
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover folder in the state dir: harmless, the next start uses a new one
        }
    }
}
