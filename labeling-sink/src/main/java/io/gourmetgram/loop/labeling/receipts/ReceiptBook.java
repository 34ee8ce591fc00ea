package io.gourmetgram.loop.labeling.receipts;

import io.gourmetgram.loop.events.LabelingReceipt;
import io.gourmetgram.loop.events.topics.Topics;
import io.gourmetgram.loop.labeling.kafka.TopicReplay;
import io.gourmetgram.loop.support.kafka.EventPublisher;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * upload id → Label Studio task, durable in the compacted {@code labeling-receipts} topic and held
 * in memory. A receipt is written (and acknowledged) before the request's offset is committed, so
 * after a crash the sink knows which uploads already have a task.
 */
public final class ReceiptBook {

    private final Map<String, LabelingReceipt> byUpload = new ConcurrentHashMap<>();
    private final EventPublisher publisher;

    public ReceiptBook(EventPublisher publisher) {
        this.publisher = publisher;
    }

    /** Reads the whole receipts topic (it is compacted: about one record per upload). */
    public void load(Map<String, Object> consumerConfig) {
        TopicReplay.readAll(consumerConfig, Topics.LABELING_RECEIPTS, this::remember);
    }

    public Optional<LabelingReceipt> find(String uploadId) {
        return Optional.ofNullable(byUpload.get(uploadId));
    }

    public int size() {
        return byUpload.size();
    }

    /** Writes the receipt and waits for Kafka's acknowledgement. */
    public void record(LabelingReceipt receipt) {
        publisher.publish(Topics.LABELING_RECEIPTS, receipt.uploadId(), receipt);
        remember(receipt);
    }

    /** Adopts a receipt found another way (a task already in Label Studio), without writing it. */
    void remember(LabelingReceipt receipt) {
        if (receipt != null) {
            byUpload.merge(receipt.uploadId(), receipt, (old, now) -> now.revision() >= old.revision() ? now : old);
        }
    }
}
