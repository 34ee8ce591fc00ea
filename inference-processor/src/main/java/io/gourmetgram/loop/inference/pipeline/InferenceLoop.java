package io.gourmetgram.loop.inference.pipeline;

import io.gourmetgram.loop.events.Prediction;
import io.gourmetgram.loop.events.Upload;
import io.gourmetgram.loop.support.deadletter.DeadLetterPublisher;
import io.gourmetgram.loop.events.topics.Topics;
import io.gourmetgram.loop.inference.model.ImageClassifier;
import io.gourmetgram.loop.inference.preprocessing.ImageDecoder;
import io.gourmetgram.loop.inference.preprocessing.ImagePreprocessor;
import io.gourmetgram.loop.inference.preprocessing.UndecodableImageException;
import io.gourmetgram.loop.inference.storage.ImageStore;
import io.gourmetgram.loop.inference.storage.ImageUnavailableException;
import io.gourmetgram.loop.support.kafka.PolledBatch;
import io.gourmetgram.loop.support.kafka.UploadKeys;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read-process-write loop: poll uploads, fetch and decode them in parallel, score what one poll
 * returned in a single model run, and write predictions, dead letters and the consumed offsets in
 * one Kafka transaction. A prediction is visible to read_committed consumers exactly when its
 * upload's offset is committed, so a crash anywhere yields neither a loss nor a duplicate.
 *
 * <p>A record that can never succeed (corrupt JSON, object missing, undecodable image) is
 * dead-lettered in the same transaction. Anything else (S3 or Kafka unavailable) aborts the
 * transaction, rewinds to the batch start, and retries after a pause.
 */
public final class InferenceLoop implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(InferenceLoop.class);

    private final Consumer<String, byte[]> consumer;
    private final Producer<byte[], byte[]> producer;
    private final ImageStore images;
    private final ImageClassifier classifier;
    private final ImagePreprocessor preprocessor;
    private final PredictionFactory predictions;
    private final DeadLetterPublisher deadLetters;
    private final ExecutorService decodePool;
    private final Duration pollTimeout;
    private final Duration retryBackoff;
    private final Clock clock;
    private final Metrics metrics;
    private volatile boolean running = true;
    private volatile Throwable failure;

    public InferenceLoop(Consumer<String, byte[]> consumer, Producer<byte[], byte[]> producer, ImageStore images,
                         ImageClassifier classifier, ExecutorService decodePool, int topK, Duration pollTimeout,
                         Duration retryBackoff, Clock clock, MeterRegistry registry) {
        this.consumer = consumer;
        this.producer = producer;
        this.images = images;
        this.classifier = classifier;
        this.preprocessor = new ImagePreprocessor(classifier.files().sidecar());
        this.predictions = new PredictionFactory(classifier.files().modelRef(), classifier.files().labels(), topK);
        this.deadLetters = new DeadLetterPublisher("inference-processor", Topics.INFERENCE_DEAD_LETTER, producer, clock);
        this.decodePool = decodePool;
        this.pollTimeout = pollTimeout;
        this.retryBackoff = retryBackoff;
        this.clock = clock;
        this.metrics = new Metrics(registry);
    }

    @Override
    public void run() {
        try {
            producer.initTransactions();
            consumer.subscribe(List.of(Topics.UPLOADS.name()));
            log.info("Scoring uploads with model {} ({} labels)", classifier.files().modelRef().qualifiedName(),
                    classifier.files().labels().size());
            while (running) {
                ConsumerRecords<String, byte[]> records = consumer.poll(pollTimeout);
                if (!records.isEmpty()) {
                    processInTransaction(records);
                }
            }
        } catch (WakeupException e) {
            if (running) {
                failure = e;
            }
        } catch (ProducerFencedException | OutOfOrderSequenceException | AuthorizationException e) {
            failure = e;
            log.error("Inference loop stopped: this producer can no longer write transactionally "
                    + "(another instance with the same transactional id, or lost authorization)", e);
        } catch (RuntimeException | Error e) {
            failure = e;
            log.error("Inference loop stopped by an unexpected error; health is DOWN until restart", e);
        } finally {
            consumer.close();
            producer.close(Duration.ofSeconds(10));
        }
    }

    /** Stops after the current batch; its transaction either commits or is aborted and retried later. */
    public void stop() {
        running = false;
        consumer.wakeup();
    }

    public boolean isHealthy() {
        return failure == null;
    }

    public Throwable failure() {
        return failure;
    }

    private void processInTransaction(ConsumerRecords<String, byte[]> records) {
        producer.beginTransaction();
        try {
            score(records);
            producer.sendOffsetsToTransaction(PolledBatch.nextOffsets(records), consumer.groupMetadata());
            producer.commitTransaction();
        } catch (ProducerFencedException | OutOfOrderSequenceException | AuthorizationException e) {
            throw e; // fatal for this producer: the loop ends
        } catch (WakeupException e) {
            producer.abortTransaction();
            PolledBatch.rewind(consumer, records);
            throw e;
        } catch (RuntimeException e) {
            log.warn("Batch of {} uploads failed transiently ({}); retrying in {}", records.count(), e.getMessage(),
                    retryBackoff);
            metrics.retries.increment();
            producer.abortTransaction();
            PolledBatch.rewind(consumer, records);
            pause();
        }
    }

    private void score(ConsumerRecords<String, byte[]> records) {
        long started = System.nanoTime();
        List<CompletableFuture<Decoded>> decoding = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            decoding.add(CompletableFuture.supplyAsync(() -> decode(record), decodePool));
        }
        List<Decoded> ready = new ArrayList<>();
        for (CompletableFuture<Decoded> future : decoding) {
            Decoded decoded = join(future);
            if (decoded.failure() != null) {
                ConsumerRecord<String, byte[]> r = decoded.record();
                deadLetters.publish(r.topic(), r.partition(), r.offset(), keyBytes(r), r.value(), r, decoded.failure());
                metrics.deadLetter(decoded.failure());
            } else {
                ready.add(decoded);
            }
        }
        if (ready.isEmpty()) {
            return;
        }
        float[][] probabilities;
        long runStarted = System.nanoTime();
        try {
            probabilities = classifier.classify(ready.stream().map(Decoded::tensor).toList());
        } catch (ai.onnxruntime.OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed on a batch of " + ready.size() + ": " + e.getMessage(), e);
        }
        long runNanos = System.nanoTime() - runStarted;
        metrics.batch(ready.size(), runNanos, System.nanoTime() - started);
        for (int i = 0; i < ready.size(); i++) {
            Decoded d = ready.get(i);
            double millis = (d.decodeNanos() + runNanos / (double) ready.size()) / 1e6;
            Prediction prediction = predictions.predict(d.upload(), probabilities[i], millis, clock.instant());
            producer.send(new ProducerRecord<>(Topics.PREDICTIONS.name(), keyBytes(d.record()),
                    Topics.PREDICTIONS.valueSerde().serialize(Topics.PREDICTIONS.name(), prediction)));
        }
        metrics.predictions.increment(ready.size());
    }

    /** Fetch, decode and preprocess one upload; permanent failures are returned, transient ones thrown. */
    private Decoded decode(ConsumerRecord<String, byte[]> record) {
        long started = System.nanoTime();
        try {
            Upload upload = Topics.UPLOADS.valueSerde().deserialize(record.topic(), record.value());
            if (upload == null || upload.object() == null) {
                throw new SerializationException("Upload event has no object reference");
            }
            UploadKeys.requireMatch(record.topic(), record.key(), upload.uploadId());
            byte[] bytes = images.read(upload.object());
            float[] tensor = preprocessor.toTensor(ImageDecoder.decode(bytes));
            return new Decoded(record, upload, tensor, System.nanoTime() - started, null);
        } catch (SerializationException | ImageUnavailableException | UndecodableImageException e) {
            return new Decoded(record, null, null, 0, e);
        } catch (java.io.IOException e) {
            throw new CompletionException(e);
        }
    }

    private static Decoded join(CompletableFuture<Decoded> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            throw new TransientFailure(e.getCause());
        }
    }

    private void pause() {
        try {
            Thread.sleep(retryBackoff.toMillis()); // back-off between retries in the worker thread, not test synchronisation
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    private static byte[] keyBytes(ConsumerRecord<String, byte[]> record) {
        return record.key() == null ? null : record.key().getBytes(StandardCharsets.UTF_8);
    }

    private record Decoded(ConsumerRecord<String, byte[]> record, Upload upload, float[] tensor, long decodeNanos,
                           RuntimeException failure) {
    }

    /** S3 could not be reached: the whole batch is retried. */
    static final class TransientFailure extends RuntimeException {
        TransientFailure(Throwable cause) {
            super(cause.getMessage(), cause);
        }
    }

    private static final class Metrics {
        private final MeterRegistry registry;
        private final Counter predictions;
        private final Counter retries;
        private final DistributionSummary batchSize;
        private final Timer modelRun;
        private final Timer batchTotal;

        Metrics(MeterRegistry registry) {
            this.registry = registry;
            this.predictions = Counter.builder("gourmetgram.inference.predictions")
                    .description("Predictions written").register(registry);
            this.retries = Counter.builder("gourmetgram.inference.batch.retries")
                    .description("Batches aborted by a transient failure and retried").register(registry);
            this.batchSize = DistributionSummary.builder("gourmetgram.inference.batch.size")
                    .description("Images scored per model run").publishPercentileHistogram().register(registry);
            this.modelRun = Timer.builder("gourmetgram.inference.model.run")
                    .description("ONNX Runtime session run per batch").publishPercentileHistogram().register(registry);
            this.batchTotal = Timer.builder("gourmetgram.inference.batch.duration")
                    .description("Fetch + decode + preprocess + model run per batch").register(registry);
        }

        void batch(int size, long runNanos, long totalNanos) {
            batchSize.record(size);
            modelRun.record(Duration.ofNanos(runNanos));
            batchTotal.record(Duration.ofNanos(totalNanos));
        }

        void deadLetter(Throwable reason) {
            Counter.builder("gourmetgram.inference.dead.letters").tag("reason", reason.getClass().getSimpleName())
                    .description("Uploads that could not be scored, written to the dead-letter topic")
                    .register(registry).increment();
        }
    }
}
