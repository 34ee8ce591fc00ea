package io.gourmetgram.loop.labeling.receipts;

import io.gourmetgram.loop.events.LabelingReceipt;
import io.gourmetgram.loop.events.topics.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteOptions;

/**
 * upload id → Label Studio task, durable in the compacted {@code labeling-receipts} topic. A receipt is written (and
 * acknowledged) before the request's offset is committed, and every replica keeps following the topic
 * ({@link #remember}), so whichever replica owns an upload's partition — after a crash or a rebalance — knows its
 * task.
 *
 * <p>There is one receipt per upload ever sent to review (millions a year), so they are not kept in the heap: the
 * local copy is a RocksDB table on disk (off-heap memory bounded by its write buffers and block cache), rebuilt
 * from the topic at every start — the topic is the source of truth, the table only an index of it, so it needs no
 * write-ahead log and is deleted on close.
 */
public final class ReceiptBook implements AutoCloseable {

    static {
        RocksDB.loadLibrary();
    }

    private static final long WRITE_BUFFER_BYTES = 4L << 20;
    private static final long BLOCK_CACHE_BYTES = 8L << 20;

    private final Producer<byte[], byte[]> producer;
    private final Duration ackWait;
    private final Path dir;
    private final LRUCache cache;
    private final Options options;
    private final WriteOptions writes;
    private final RocksDB db;
    private volatile Runnable catchUp = () -> {};
    private boolean closed;

    /**
     * @param stateDir where the local table lives (a fresh folder inside it per instance)
     * @param ackWait  how long to wait for Kafka's acknowledgement of written receipts
     */
    public ReceiptBook(Producer<byte[], byte[]> producer, Duration ackWait, Path stateDir) {
        this.producer = producer;
        this.ackWait = ackWait;
        try {
            this.dir = Files.createTempDirectory(Files.createDirectories(stateDir), "labeling-receipts-");
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Cannot create the receipts folder in " + stateDir
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
        this.writes = new WriteOptions().setDisableWAL(true); // rebuilt from the topic at start: no log needed
        try {
            this.db = RocksDB.open(options, dir.toString());
        } catch (RocksDBException e) {
            throw new IllegalStateException("Cannot open the receipts table in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** How to wait until every receipt written so far (by any replica) is known here. */
    public void catchUpWith(Runnable catchUp) {
        this.catchUp = catchUp;
    }

    /** Waits until every receipt written so far, by any replica, is known here. */
    public void catchUp() {
        catchUp.run();
    }

    /** Like {@link #find(String)}, but when none is known, first catches up with the topic. */
    public Optional<LabelingReceipt> findCurrent(String uploadId) {
        Optional<LabelingReceipt> known = find(uploadId);
        if (known.isPresent()) {
            return known;
        }
        catchUp();
        return find(uploadId);
    }

    public Optional<LabelingReceipt> find(String uploadId) {
        return Optional.ofNullable(get(uploadId));
    }

    /** The upload's task in this project; a receipt for a project that is gone does not count. */
    public Optional<LabelingReceipt> find(String uploadId, long projectId) {
        return find(uploadId).filter(r -> r.projectId() == projectId);
    }

    /** About how many uploads have a receipt (RocksDB's estimate). */
    public synchronized long size() {
        if (closed) {
            return 0;
        }
        try {
            return db.getLongProperty("rocksdb.estimate-num-keys");
        } catch (RocksDBException e) {
            return -1;
        }
    }

    /** Writes the receipt and waits for Kafka's acknowledgement. */
    public void record(LabelingReceipt receipt) {
        recordAll(List.of(receipt));
    }

    /**
     * Writes the receipts and waits until Kafka acknowledged all of them: sent together, so a batch of tasks costs
     * one round trip, not one per task.
     *
     * @throws KafkaException when any of them was not acknowledged (the caller retries the batch)
     */
    public void recordAll(List<LabelingReceipt> receipts) {
        List<Future<RecordMetadata>> sent = new ArrayList<>(receipts.size());
        for (LabelingReceipt receipt : receipts) {
            sent.add(producer.send(new ProducerRecord<>(
                    Topics.LABELING_RECEIPTS.name(),
                    receipt.uploadId().getBytes(StandardCharsets.UTF_8),
                    Topics.LABELING_RECEIPTS.valueSerde().serialize(Topics.LABELING_RECEIPTS.name(), receipt))));
        }
        long deadline = System.nanoTime() + ackWait.toNanos();
        for (int i = 0; i < sent.size(); i++) {
            try {
                sent.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                throw new KafkaException(
                        "Kafka did not acknowledge the receipt of upload "
                                + receipts.get(i).uploadId() + ": "
                                + e.getCause().getMessage(),
                        e.getCause());
            } catch (TimeoutException e) {
                throw new KafkaException("No acknowledgement from Kafka for the receipt of upload "
                        + receipts.get(i).uploadId() + " within " + ackWait.toSeconds() + " s");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KafkaException("Interrupted while writing receipts", e);
            }
            remember(receipts.get(i));
        }
    }

    /** A receipt read from the topic (ours or another replica's): the newest one per upload wins. */
    public synchronized void remember(LabelingReceipt receipt) {
        if (receipt == null || closed) {
            return;
        }
        byte[] key = receipt.uploadId().getBytes(StandardCharsets.UTF_8);
        try {
            LabelingReceipt old = decode(db.get(key));
            if (old == null || newer(receipt, old)) {
                db.put(writes, key, Topics.LABELING_RECEIPTS.valueSerde().serialize("", receipt));
            }
        } catch (RocksDBException e) {
            throw new IllegalStateException("Cannot write the receipts table: " + e.getMessage(), e);
        }
    }

    private synchronized LabelingReceipt get(String uploadId) {
        if (closed) {
            return null;
        }
        try {
            return decode(db.get(uploadId.getBytes(StandardCharsets.UTF_8)));
        } catch (RocksDBException e) {
            throw new IllegalStateException("Cannot read the receipts table: " + e.getMessage(), e);
        }
    }

    private static LabelingReceipt decode(byte[] bytes) {
        return bytes == null ? null : Topics.LABELING_RECEIPTS.valueSerde().deserialize("", bytes);
    }

    private static boolean newer(LabelingReceipt now, LabelingReceipt old) {
        if (now.revision() != old.revision()) {
            return now.revision() > old.revision();
        }
        return !now.at().isBefore(old.at()); // same revision, re-imported (task or project deleted): the later one
    }

    /** Closes the table and deletes its folder (the topic keeps the receipts). */
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
            // a leftover folder in the state dir: harmless
        }
    }
}
