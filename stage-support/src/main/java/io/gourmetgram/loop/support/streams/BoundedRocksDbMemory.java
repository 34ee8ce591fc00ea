package io.gourmetgram.loop.support.streams;

import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteBufferManager;

/**
 * RocksDB sized for small stages: every store of the process shares one block cache, and the
 * memtables are charged to it, so RocksDB's off-heap memory stays within {@link #OFF_HEAP_BYTES}
 * however many stores and partitions a process hosts. Kafka Streams' default gives each store
 * instance its own 50 MB block cache and up to 3 × 16 MB of memtables: ~100 MB per store and
 * partition, 0.9 GB for sampling-streams' 3 stores × 3 partitions once written to for a while.
 *
 * <p>Under exactly-once Streams flushes the memtables at least every 10,000 records per task (its
 * checkpoint), so small memtables cost no extra flushes at these rates; point reads of absent keys
 * (new uploads) are answered by the bloom filters, which stay pinned in the cache.
 */
public final class BoundedRocksDbMemory implements RocksDBConfigSetter {

    /** Block cache and memtables of every store in this process together. */
    public static final long OFF_HEAP_BYTES = 32L * 1024 * 1024;

    private static final long MEMTABLE_BYTES = OFF_HEAP_BYTES / 2;
    private static final long WRITE_BUFFER_BYTES = 4L * 1024 * 1024;
    // Shared by every store instance and never closed: they live as long as the process.
    private static final Cache CACHE;
    private static final WriteBufferManager WRITE_BUFFERS;

    static {
        RocksDB.loadLibrary(); // this class may be loaded before any store
        CACHE = new LRUCache(OFF_HEAP_BYTES, -1, false, 0.1);
        WRITE_BUFFERS = new WriteBufferManager(MEMTABLE_BYTES, CACHE);
    }

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
        table.setBlockCache(CACHE);
        table.setCacheIndexAndFilterBlocks(true);
        table.setCacheIndexAndFilterBlocksWithHighPriority(true);
        table.setPinL0FilterAndIndexBlocksInCache(true);
        options.setTableFormatConfig(table);
        options.setWriteBufferManager(WRITE_BUFFERS);
        options.setWriteBufferSize(WRITE_BUFFER_BYTES);
        options.setMaxWriteBufferNumber(2);
    }

    @Override
    public void close(String storeName, Options options) {
        // The cache and the write-buffer manager are shared by every store of the process: not closed here.
    }
}
