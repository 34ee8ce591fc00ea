package io.gourmetgram.loop.labeling.tasks;

import io.gourmetgram.loop.events.LabelingReceipt;
import io.gourmetgram.loop.events.LabelingRequest;
import io.gourmetgram.loop.events.RequestState;
import io.gourmetgram.loop.support.deadletter.DeadLetterPublisher;
import io.gourmetgram.loop.events.topics.Topics;
import io.gourmetgram.loop.labeling.images.ImageLinks;
import io.gourmetgram.loop.labeling.labelstudio.LabelStudioClient;
import io.gourmetgram.loop.labeling.labelstudio.LabelStudioException;
import io.gourmetgram.loop.labeling.receipts.ReceiptBook;
import io.gourmetgram.loop.support.kafka.PolledBatch;
import io.gourmetgram.loop.support.kafka.UploadKeys;
import io.gourmetgram.loop.support.retry.Backoff;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes {@code labeling-requests} and makes Label Studio match: one task per upload, imported in
 * batches, its data updated when a later revision arrives; {@code skipped_budget} requests are not
 * imported. A receipt is written for every import before the offsets are committed. When Label
 * Studio is down, slow or refuses our credentials, the consumer rewinds, pauses and backs off
 * (exponentially, capped): the requests stay in Kafka and consumer lag shows the backlog. A task
 * Label Studio rejects as invalid is dead-lettered with its reason, alone: the rest of its batch
 * is imported one by one.
 */
public final class TaskPusher implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(TaskPusher.class);

    private final Consumer<String, byte[]> consumer;
    private final LabelStudioClient client;
    private final long projectId;
    private final ReceiptBook receipts;
    private final ImageLinks images;
    private final DeadLetterPublisher deadLetters;
    private final int batchSize;
    private final Backoff backoff;
    private final Clock clock;
    private volatile boolean running = true;
    private volatile String lastProblem;

    public TaskPusher(Consumer<String, byte[]> consumer, LabelStudioClient client, long projectId, ReceiptBook receipts,
                      ImageLinks images, DeadLetterPublisher deadLetters, int batchSize, Backoff backoff,
                      Clock clock) {
        this.consumer = consumer;
        this.client = client;
        this.projectId = projectId;
        this.receipts = receipts;
        this.images = images;
        this.deadLetters = deadLetters;
        this.batchSize = batchSize;
        this.backoff = backoff;
        this.clock = clock;
    }

    @Override
    public void run() {
        try {
            consumer.subscribe(List.of(Topics.LABELING_REQUESTS.name()));
            while (running) {
                ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(500));
                if (records.isEmpty()) {
                    continue;
                }
                try {
                    push(records);
                    consumer.commitSync(PolledBatch.nextOffsets(records));
                    if (lastProblem != null) {
                        log.info("Label Studio is reachable again; draining the backlog");
                    }
                    lastProblem = null;
                    backoff.reset();
                } catch (LabelStudioException e) {
                    waitOut(records, e);
                }
            }
        } catch (WakeupException e) {
            // stopping
        } finally {
            consumer.close();
        }
    }

    public void stop() {
        running = false;
        consumer.wakeup();
    }

    /** Why tasks are not flowing right now, or null when they are. */
    public String lastProblem() {
        return lastProblem;
    }

    private void push(ConsumerRecords<String, byte[]> records) {
        Map<String, LabelingRequest> latest = new LinkedHashMap<>();
        Map<String, ConsumerRecord<String, byte[]>> sources = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            try {
                LabelingRequest request = Topics.LABELING_REQUESTS.valueSerde().deserialize(record.topic(), record.value());
                if (request != null) {
                    UploadKeys.requireMatch(record.topic(), record.key(), request.uploadId());
                }
                if (request != null && (!latest.containsKey(request.uploadId())
                        || request.revision() >= latest.get(request.uploadId()).revision())) {
                    latest.put(request.uploadId(), request);
                    sources.put(request.uploadId(), record);
                }
            } catch (SerializationException e) {
                deadLetter(record, e);
            }
        }
        List<LabelingRequest> toImport = new ArrayList<>();
        for (LabelingRequest request : latest.values()) {
            LabelingReceipt receipt = receipts.find(request.uploadId()).orElse(null);
            if (receipt == null) {
                if (request.state() == RequestState.OPEN) {
                    toImport.add(request);
                }
            } else if (request.revision() > receipt.revision()) {
                client.updateTaskData(receipt.taskId(), TaskData.data(request, images.linkFor(request.uploadId())));
                receipts.record(new LabelingReceipt(request.uploadId(), projectId, receipt.taskId(), request.revision(),
                        request.object(), clock.instant()));
            }
        }
        for (int from = 0; from < toImport.size(); from += batchSize) {
            List<LabelingRequest> batch = toImport.subList(from, Math.min(toImport.size(), from + batchSize));
            try {
                importTasks(batch);
            } catch (LabelStudioException e) {
                if (!e.rejectsTheData()) {
                    throw e;
                }
                // Find the task Label Studio will not take; import the others.
                for (LabelingRequest single : batch) {
                    try {
                        importTasks(List.of(single));
                    } catch (LabelStudioException rejected) {
                        if (!rejected.rejectsTheData()) {
                            throw rejected;
                        }
                        deadLetter(sources.get(single.uploadId()), rejected);
                    }
                }
            }
        }
    }

    private void importTasks(List<LabelingRequest> batch) {
        List<Long> taskIds = client.importTasks(projectId,
                batch.stream().map(r -> TaskData.task(r, images.linkFor(r.uploadId()))).toList());
        for (int i = 0; i < batch.size(); i++) {
            LabelingRequest r = batch.get(i);
            receipts.record(new LabelingReceipt(r.uploadId(), projectId, taskIds.get(i), r.revision(), r.object(),
                    clock.instant()));
        }
        log.info("Imported {} review tasks into Label Studio project {}", batch.size(), projectId);
    }

    private void deadLetter(ConsumerRecord<String, byte[]> record, RuntimeException reason) {
        deadLetters.publish(record.topic(), record.partition(), record.offset(),
                record.key() == null ? null : record.key().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                record.value(), record, reason);
    }

    /** Rewind, pause and back off; keep polling (paused) so the group does not evict us. */
    private void waitOut(ConsumerRecords<String, byte[]> records, LabelStudioException e) {
        lastProblem = e.getMessage();
        Duration wait = backoff.next();
        log.warn("{}; requests stay in Kafka, retrying in {}", e.getMessage(), wait);
        PolledBatch.rewind(consumer, records);
        consumer.pause(consumer.assignment());
        long until = System.nanoTime() + wait.toNanos();
        while (running && System.nanoTime() < until) {
            consumer.poll(Duration.ofMillis(200));
        }
        consumer.resume(consumer.paused());
    }
}
