package io.gourmetgram.loop.inference.pipeline;

import io.gourmetgram.loop.events.Prediction;
import io.gourmetgram.loop.events.topics.Topics;
import io.gourmetgram.loop.inference.model.ImageClassifier;
import io.gourmetgram.loop.inference.pipeline.ScoringBatch.Fetched;
import io.gourmetgram.loop.inference.preprocessing.PhotoTensors;
import io.gourmetgram.loop.inference.storage.ImageStore;
import io.gourmetgram.loop.support.deadletter.DeadLetterPublisher;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read-process-write loop: poll uploads, fetch and decode them in parallel, score what one poll
 * returned in a single model run, and write predictions, dead letters and the consumed offsets in
 * one Kafka transaction. A prediction is visible to read_committed consumers exactly when its
 * upload's offset is committed, so a crash anywhere yields neither a loss nor a duplicate.
 *
 * <p>While one batch is scored and committed, the next polls' photos are already being fetched and
 * decoded (the stages overlap; the batches behind are dropped and re-polled if the first fails). Uploads
 * that arrive while the oldest batch decodes are polled and start decoding at once; those already
 * decoded when it is done join its model run and its transaction.
 *
 * <p>Failures: a record that can never succeed (corrupt JSON, object missing, undecodable or
 * outsized image, any error that is not an I/O failure of the object store or Kafka) is
 * dead-lettered in the same transaction. An object the store fails to serve while the store itself
 * answers is retried {@code maxRecordAttempts} times, then dead-lettered. Outages of the store or the
 * broker abort the transaction, rewind, and retry after a back-off, without limit and without a
 * restart: a timed-out commit is retried (Kafka allows nothing else), and a producer that cannot
 * even abort is replaced by a fresh one.
 */
public final class InferenceLoop implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(InferenceLoop.class);
    /** How long new uploads may wait in the consumer while the oldest batch decodes. */
    static final Duration FEED_INTERVAL = Duration.ofMillis(5);

    private final Consumer<String, byte[]> consumer;
    private final Supplier<Producer<byte[], byte[]>> producers;
    private final ScoringBatch.Scorer scorer;
    private final Settings settings;
    private final Clock clock;
    private final PipelineMetrics metrics;
    private final Progress progress;
    private final RecordAttempts attempts = new RecordAttempts();
    private Producer<byte[], byte[]> producer;
    private DeadLetterPublisher deadLetters;
    private boolean committedSinceProducerOpened;
    private volatile boolean revoked;
    private volatile boolean running = true;
    private volatile Throwable failure;

    /**
     * @param maxBatch           most uploads in one model run and one transaction
     * @param maxRecordAttempts  tries of one object the store fails to serve while it answers, before it is dead-lettered
     * @param stallTimeout       health turns DOWN when nothing was committed for this long while uploads waited
     * @param commitGiveUp       after a commit has timed out for this long, the producer is replaced
     */
    public record Settings(
            int topK,
            int maxBatch,
            Duration pollTimeout,
            Duration retryBackoff,
            int maxRecordAttempts,
            Duration stallTimeout,
            Duration commitGiveUp) {

        /**
         * Records in hand, the oldest batch included: while it runs the model and commits, the decoders still have
         * up to two batches to work on (a multi-megapixel photo keeps one decoder busy for 100+ ms).
         */
        int maxInFlight() {
            return 3 * maxBatch;
        }
    }

    public InferenceLoop(
            Consumer<String, byte[]> consumer,
            Supplier<Producer<byte[], byte[]>> producers,
            ImageStore images,
            ImageClassifier classifier,
            PhotoTensors tensors,
            ExecutorService decodePool,
            Settings settings,
            Clock clock,
            MeterRegistry registry) {
        this.consumer = consumer;
        this.producers = producers;
        this.settings = settings;
        this.clock = clock;
        this.metrics = new PipelineMetrics(registry);
        this.scorer = new ScoringBatch.Scorer(images, classifier, tensors, decodePool, settings.topK(), clock, metrics);
        this.progress = new Progress(clock.instant());
    }

    @Override
    public void run() {
        List<ScoringBatch> inFlight = new ArrayList<>();
        try {
            openProducer();
            consumer.subscribe(List.of(Topics.UPLOADS.name()), new RebalanceWatch());
            log.info("Scoring uploads with model {}", scorer.modelName());
            while (running) {
                if (inFlight.isEmpty()) {
                    ScoringBatch first = poll(settings.pollTimeout());
                    if (first == null) {
                        progress.idle(clock.instant());
                        continue;
                    }
                    inFlight.add(first);
                }
                feedDecodersUntilHeadDecoded(inFlight);
                if (revoked) {
                    revoked = false;
                    dropAndRewind(inFlight);
                    progress.inHand(0); // what was ours may be another instance's now
                    continue;
                }
                progress.inHand(waiting(inFlight));
                ScoringBatch head = takeDecoded(inFlight);
                if (complete(head)) {
                    progress.inHand(waiting(inFlight));
                } else {
                    inFlight.addFirst(head);
                    dropAndRewind(inFlight); // the records still wait: progress keeps counting them
                    pause();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (running) {
                failure = e;
            }
        } catch (WakeupException | InterruptException e) {
            if (running) {
                failure = e;
            }
        } catch (ProducerFencedException
                | OutOfOrderSequenceException
                | AuthorizationException
                | UnsupportedVersionException e) {
            failure = e;
            log.error(
                    "Inference loop stopped: this instance can no longer write transactionally (another instance "
                            + "with the same transactional id, lost authorization, or a broker too old)",
                    e);
        } catch (RuntimeException | Error e) {
            failure = e;
            log.error("Inference loop stopped by an unexpected error; health is DOWN until restart", e);
        } finally {
            inFlight.forEach(ScoringBatch::cancel);
            consumer.close();
            if (producer != null) {
                producer.close(Duration.ofSeconds(10));
            }
        }
    }

    /** Stops after the current batch; its transaction either commits or is aborted and retried later. */
    public void stop() {
        running = false;
        consumer.wakeup();
    }

    public boolean isHealthy() {
        return failure == null && progress.stalled(clock.instant(), settings.stallTimeout()) == null;
    }

    /** Why health is DOWN, or null. */
    public String problem() {
        if (failure != null) {
            return "processing loop stopped: " + failure;
        }
        return progress.stalled(clock.instant(), settings.stallTimeout());
    }

    private ScoringBatch poll(Duration timeout) {
        ConsumerRecords<String, byte[]> records = consumer.poll(timeout);
        if (records.isEmpty()) {
            return null;
        }
        return scorer.start(records);
    }

    /**
     * Polls while the oldest batch is still being fetched and decoded, so uploads that arrive meanwhile start
     * decoding at once instead of after its commit (a multi-megapixel photo takes 100+ ms), and the decoders never
     * idle while uploads wait. At most {@code maxInFlight} records are in hand; the consumer is polled at least
     * every {@link #FEED_INTERVAL} meanwhile, well within {@code max.poll.interval.ms}.
     */
    private void feedDecodersUntilHeadDecoded(List<ScoringBatch> inFlight) throws InterruptedException {
        do {
            if (waiting(inFlight) < settings.maxInFlight()) {
                ScoringBatch next = poll(Duration.ZERO);
                if (next != null) {
                    inFlight.add(next);
                }
            }
        } while (running && !revoked && !inFlight.getFirst().awaitDecoded(FEED_INTERVAL));
    }

    /**
     * The oldest batch, joined by the batches behind it that are already decoded, up to {@code maxBatch} records:
     * one model run and one transaction instead of several (each commit costs the broker and the loop a round trip).
     */
    private ScoringBatch takeDecoded(List<ScoringBatch> inFlight) {
        List<ScoringBatch> taken = new ArrayList<>(List.of(inFlight.removeFirst()));
        int size = taken.getFirst().size();
        while (!inFlight.isEmpty()
                && inFlight.getFirst().decoded()
                && size + inFlight.getFirst().size() <= settings.maxBatch()) {
            size += inFlight.getFirst().size();
            taken.add(inFlight.removeFirst());
        }
        return ScoringBatch.merge(taken);
    }

    private static int waiting(List<ScoringBatch> batches) {
        return batches.stream().mapToInt(ScoringBatch::size).sum();
    }

    /** Scores the batch and commits its outcome; false when it must be retried. */
    private boolean complete(ScoringBatch batch) {
        List<Fetched> outcome;
        try {
            outcome = batch.score(attempts, settings.maxRecordAttempts());
        } catch (ScoringBatch.StoreUnavailable e) {
            retryLater(batch, "fetching photos from the object store failed", e);
            return false;
        }
        try {
            producer.beginTransaction();
            for (Fetched f : outcome) {
                if (f.failure() != null) {
                    deadLetters.publish(
                            f.record().topic(),
                            f.record().partition(),
                            f.record().offset(),
                            ScoringBatch.keyBytes(f.record()),
                            f.record().value(),
                            f.record(),
                            f.failure());
                    metrics.deadLetter(f.failure());
                } else {
                    producer.send(predictionRecord(f));
                }
            }
            producer.sendOffsetsToTransaction(batch.nextOffsets(), consumer.groupMetadata());
            commit();
        } catch (ProducerFencedException e) {
            if (!committedSinceProducerOpened) {
                throw e; // a fresh producer was fenced at once: another live instance owns this transactional id
            }
            // The coordinator may fence a producer whose transaction it timed out during an outage: start afresh once.
            retryLater(batch, "the producer was fenced", e);
            replaceProducer();
            return false;
        } catch (OutOfOrderSequenceException | AuthorizationException | UnsupportedVersionException e) {
            throw e;
        } catch (ProducerReplaced e) {
            retryLater(batch, "the commit kept timing out", e);
            return false;
        } catch (KafkaException e) {
            retryLater(batch, "writing to Kafka failed", e);
            abortOrReplace();
            return false;
        }
        committedSinceProducerOpened = true;
        attempts.forget(batch.records());
        outcome.stream().filter(f -> f.failure() == null).forEach(f -> metrics.predicted(f.prediction()));
        progress.committed(clock.instant());
        return true;
    }

    private static ProducerRecord<byte[], byte[]> predictionRecord(Fetched f) {
        Prediction p = f.prediction();
        return new ProducerRecord<>(
                Topics.PREDICTIONS.name(),
                ScoringBatch.keyBytes(f.record()),
                Topics.PREDICTIONS.valueSerde().serialize(Topics.PREDICTIONS.name(), p));
    }

    /**
     * Commits, retrying a commit that timed out (after a timeout Kafka allows only a retry or closing the
     * producer). A commit that keeps timing out past {@code commitGiveUp} closes the producer.
     */
    private void commit() {
        Instant started = clock.instant();
        while (true) {
            try {
                producer.commitTransaction();
                return;
            } catch (TimeoutException e) {
                progress.failed("committing to Kafka timed out", e);
                if (!running || Duration.between(started, clock.instant()).compareTo(settings.commitGiveUp()) > 0) {
                    log.warn("Commit still timing out after {}; replacing the producer", settings.commitGiveUp());
                    replaceProducer();
                    throw new ProducerReplaced(e);
                }
                log.warn("Commit timed out ({}); retrying it", e.getMessage());
                pause();
            }
        }
    }

    private void abortOrReplace() {
        try {
            producer.abortTransaction();
        } catch (ProducerFencedException | OutOfOrderSequenceException | AuthorizationException e) {
            replaceProducer();
        } catch (KafkaException e) {
            log.warn("Aborting the transaction failed ({}); replacing the producer", e.getMessage());
            replaceProducer();
        }
    }

    private void replaceProducer() {
        try {
            producer.close(Duration.ZERO);
        } catch (RuntimeException e) {
            log.debug("Closing the old producer failed", e);
        }
        producer = null;
        metrics.producerReplacements.increment();
        openProducer();
    }

    /** initTransactions fences any former producer with this id and aborts its open transaction; retried while the broker is away. */
    private void openProducer() {
        while (true) {
            Producer<byte[], byte[]> fresh = producers.get();
            try {
                fresh.initTransactions();
                producer = fresh;
                deadLetters =
                        new DeadLetterPublisher("inference-processor", Topics.INFERENCE_DEAD_LETTER, fresh, clock);
                committedSinceProducerOpened = false;
                return;
            } catch (TimeoutException e) {
                fresh.close(Duration.ZERO);
                progress.failed("Kafka did not answer initTransactions", e);
                log.warn(
                        "Kafka did not answer initTransactions ({}); retrying in {}",
                        e.getMessage(),
                        settings.retryBackoff());
                if (!running) {
                    throw e;
                }
                pause();
            }
        }
    }

    private void retryLater(ScoringBatch batch, String what, Exception e) {
        log.warn(
                "Batch of {} uploads not committed: {} ({}); retrying in {}",
                batch.size(),
                what,
                e.getMessage(),
                settings.retryBackoff());
        metrics.retries.increment();
        progress.failed(what, e);
    }

    /** Gives back everything polled and not committed: the consumer will return it again. */
    private void dropAndRewind(List<ScoringBatch> batches) {
        Map<TopicPartition, Long> firstOffsets = new HashMap<>();
        for (ScoringBatch batch : batches) {
            batch.cancel();
            batch.firstOffsets().forEach((tp, offset) -> firstOffsets.merge(tp, offset, Math::min));
        }
        batches.clear();
        var assigned = consumer.assignment();
        firstOffsets.forEach((tp, offset) -> {
            if (assigned.contains(tp)) {
                consumer.seek(tp, offset);
            }
        });
    }

    private void pause() {
        try {
            Thread.sleep(settings.retryBackoff().toMillis()); // back-off between retries in the worker thread
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    /** The producer was replaced mid-transaction: nothing left to abort, the batch is scored again. */
    private static final class ProducerReplaced extends RuntimeException {
        ProducerReplaced(Exception cause) {
            super("Commit timed out; the producer was replaced and the batch will be scored again", cause);
        }
    }

    /** Partitions taken away mid-batch: the batches in hand are dropped (their new owner scores them). */
    private final class RebalanceWatch implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty()) {
                revoked = true;
            }
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {}

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            revoked = true;
        }
    }
}
