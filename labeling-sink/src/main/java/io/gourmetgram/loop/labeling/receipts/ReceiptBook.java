package io.gourmetgram.loop.labeling.receipts;

import io.gourmetgram.loop.events.LabelingReceipt;
import io.gourmetgram.loop.events.topics.Topics;
import io.gourmetgram.loop.support.kafka.EventPublisher;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * upload id → Label Studio task, durable in the compacted {@code labeling-receipts} topic and held
 * in memory. A receipt is written (and acknowledged) before the request's offset is committed, and
 * every replica keeps following the topic ({@link #remember}), so whichever replica owns an upload's
 * partition — after a crash or a rebalance — knows its task.
 */
public final class ReceiptBook {

    private final Map<String, LabelingReceipt> byUpload = new ConcurrentHashMap<>();
    private final EventPublisher publisher;
    private volatile Runnable catchUp = () -> {};

    public ReceiptBook(EventPublisher publisher) {
        this.publisher = publisher;
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
        return Optional.ofNullable(byUpload.get(uploadId));
    }

    /** The upload's task in this project; a receipt for a project that is gone does not count. */
    public Optional<LabelingReceipt> find(String uploadId, long projectId) {
        return find(uploadId).filter(r -> r.projectId() == projectId);
    }

    public int size() {
        return byUpload.size();
    }

    /** Writes the receipt and waits for Kafka's acknowledgement. */
    public void record(LabelingReceipt receipt) {
        publisher.publish(Topics.LABELING_RECEIPTS, receipt.uploadId(), receipt);
        remember(receipt);
    }

    /** A receipt read from the topic (ours or another replica's): the newest one per upload wins. */
    public void remember(LabelingReceipt receipt) {
        if (receipt != null) {
            byUpload.merge(receipt.uploadId(), receipt, (old, now) -> newer(now, old) ? now : old);
        }
    }

    private static boolean newer(LabelingReceipt now, LabelingReceipt old) {
        if (now.revision() != old.revision()) {
            return now.revision() > old.revision();
        }
        return !now.at().isBefore(old.at()); // same revision, re-imported (task or project deleted): the later one
    }
}
