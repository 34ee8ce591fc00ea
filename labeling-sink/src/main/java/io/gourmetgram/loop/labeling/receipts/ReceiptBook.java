package io.gourmetgram.loop.labeling.receipts;

import io.gourmetgram.loop.events.LabelingReceipt;
import io.gourmetgram.loop.events.topics.Topics;
import io.gourmetgram.loop.labeling.kafka.TopicReplay;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;

/**
 * upload id → Label Studio task, durable in the compacted {@code labeling-receipts} topic and held
 * in memory. A receipt is written (and acknowledged) before the request's offset is committed, so
 * after a crash the sink knows which uploads already have a task.
 */
public final class ReceiptBook {

    private final Map<String, LabelingReceipt> byUpload = new ConcurrentHashMap<>();
    private final Producer<byte[], byte[]> producer;

    public ReceiptBook(Producer<byte[], byte[]> producer) {
        this.producer = producer;
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
        try {
            producer.send(new ProducerRecord<>(Topics.LABELING_RECEIPTS.name(), receipt.uploadId().getBytes(StandardCharsets.UTF_8),
                    Topics.LABELING_RECEIPTS.valueSerde().serialize(Topics.LABELING_RECEIPTS.name(), receipt)))
                    .get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("Interrupted while writing a receipt", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new KafkaException("Could not write the receipt of upload " + receipt.uploadId(), e);
        }
        remember(receipt);
    }

    /** Adopts a receipt found another way (a task already in Label Studio), without writing it. */
    void remember(LabelingReceipt receipt) {
        if (receipt != null) {
            byUpload.merge(receipt.uploadId(), receipt, (old, now) -> now.revision() >= old.revision() ? now : old);
        }
    }
}
