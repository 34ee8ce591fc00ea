package io.gourmetgram.loop.labeling.receipts;

import io.gourmetgram.loop.events.LabelingReceipt;
import io.gourmetgram.loop.events.topics.Topics;
import io.gourmetgram.loop.labeling.state.LocalTable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;

/**
 * upload id → Label Studio task, durable in the compacted {@code labeling-receipts} topic. A receipt is written (and
 * acknowledged) before the request's offset is committed, and every replica keeps following the topic
 * ({@link #remember}), so whichever replica owns an upload's partition — after a crash or a rebalance — knows its
 * task.
 *
 * <p>There is one receipt per upload ever sent to review (millions a year), so they are not kept in the heap but in
 * a {@link LocalTable} on disk, refilled from the topic at every start.
 */
public final class ReceiptBook implements AutoCloseable {

    private final Producer<byte[], byte[]> producer;
    private final Duration ackWait;
    private final LocalTable table;
    private volatile Runnable catchUp = () -> {};

    /**
     * @param stateDir where the local table lives (a fresh folder inside it per instance)
     * @param ackWait  how long to wait for Kafka's acknowledgement of written receipts
     */
    public ReceiptBook(Producer<byte[], byte[]> producer, Duration ackWait, Path stateDir) {
        this.producer = producer;
        this.ackWait = ackWait;
        this.table = new LocalTable(stateDir, "labeling-receipts");
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
    public long size() {
        return table.estimatedKeys();
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
        List<byte[]> values = new ArrayList<>(receipts.size());
        for (LabelingReceipt receipt : receipts) {
            byte[] value = encode(receipt);
            values.add(value);
            sent.add(producer.send(new ProducerRecord<>(
                    Topics.LABELING_RECEIPTS.name(), receipt.uploadId().getBytes(StandardCharsets.UTF_8), value)));
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
            remember(receipts.get(i), values.get(i));
        }
    }

    /** A receipt read from the topic (ours or another replica's): the newest one per upload wins. */
    public void remember(LabelingReceipt receipt) {
        if (receipt != null) {
            remember(receipt, encode(receipt));
        }
    }

    private void remember(LabelingReceipt receipt, byte[] value) {
        table.update(receipt.uploadId().getBytes(StandardCharsets.UTF_8), old -> {
            if (old == null) {
                return value;
            }
            if (Arrays.equals(old, value)) {
                return old; // our own receipt coming back from the topic: nothing to decode
            }
            return newer(receipt, decode(old)) ? value : old;
        });
    }

    private static byte[] encode(LabelingReceipt receipt) {
        return Topics.LABELING_RECEIPTS.valueSerde().serialize(Topics.LABELING_RECEIPTS.name(), receipt);
    }

    private LabelingReceipt get(String uploadId) {
        return decode(table.get(uploadId.getBytes(StandardCharsets.UTF_8)));
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

    /** Closes the local table (the topic keeps the receipts). */
    @Override
    public void close() {
        table.close();
    }
}
