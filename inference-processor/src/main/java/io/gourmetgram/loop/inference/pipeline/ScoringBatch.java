package io.gourmetgram.loop.inference.pipeline;

import ai.onnxruntime.OrtException;
import io.gourmetgram.loop.events.Prediction;
import io.gourmetgram.loop.events.Upload;
import io.gourmetgram.loop.events.topics.Topics;
import io.gourmetgram.loop.inference.model.ImageClassifier;
import io.gourmetgram.loop.inference.preprocessing.PhotoTensors;
import io.gourmetgram.loop.inference.storage.ImageStore;
import io.gourmetgram.loop.support.kafka.UploadKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Uploads on their way to predictions: one poll's, or several consecutive polls' merged into one model
 * run and one transaction. Fetching and decoding start as soon as a poll returns (on the decode
 * pool), and {@link #score} waits for them and runs the model once for all.
 */
final class ScoringBatch {

    private final List<ConsumerRecord<String, byte[]>> records;
    private final List<CompletableFuture<Decoded>> decoding;
    private final CompletableFuture<Void> allDecoded;
    private final Scorer scorer;
    private final long started;

    private ScoringBatch(
            List<ConsumerRecord<String, byte[]>> records,
            List<CompletableFuture<Decoded>> decoding,
            Scorer scorer,
            long started) {
        this.records = records;
        this.decoding = decoding;
        this.allDecoded = CompletableFuture.allOf(decoding.toArray(CompletableFuture[]::new));
        this.scorer = scorer;
        this.started = started;
    }

    /** Consecutive batches of one consumer as one: their records in order, scored and committed together. */
    static ScoringBatch merge(List<ScoringBatch> batches) {
        if (batches.size() == 1) {
            return batches.getFirst();
        }
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        List<CompletableFuture<Decoded>> decoding = new ArrayList<>();
        for (ScoringBatch batch : batches) {
            records.addAll(batch.records);
            decoding.addAll(batch.decoding);
        }
        ScoringBatch first = batches.getFirst();
        return new ScoringBatch(records, decoding, first.scorer, first.started);
    }

    int size() {
        return records.size();
    }

    Iterable<ConsumerRecord<String, byte[]>> records() {
        return records;
    }

    /** Whether every record is fetched and decoded (or failed), so {@link #score} will not wait for the decoders. */
    boolean decoded() {
        return allDecoded.isDone();
    }

    /** Waits at most {@code timeout} for {@link #decoded()}; returns it. */
    boolean awaitDecoded(Duration timeout) throws InterruptedException {
        try {
            allDecoded.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException | ExecutionException | CancellationException e) {
            // not yet, or a failure that score() reports per record
        }
        return decoded();
    }

    void cancel() {
        decoding.forEach(f -> f.cancel(false));
    }

    /**
     * The outcome of every record, in poll order: a prediction, or the reason it can never be scored.
     *
     * @throws StoreUnavailable when the batch must be retried: the store is down, or an object it failed
     *                          to serve has attempts left
     */
    List<Fetched> score(RecordAttempts attempts, int maxAttempts) {
        List<Decoded> decoded = decoding.stream().map(CompletableFuture::join).toList();
        List<Decoded> fetchFailed =
                decoded.stream().filter(d -> d.fetchFailure() != null).toList();
        List<Fetched> outcome = new ArrayList<>();
        if (!fetchFailed.isEmpty()) {
            boolean storeAnswers = decoded.stream().anyMatch(Decoded::fetched)
                    || scorer.images.answers(
                            fetchFailed.getFirst().upload().object().bucket());
            if (!storeAnswers) {
                throw new StoreUnavailable(fetchFailed.getFirst().fetchFailure());
            }
            boolean retry = false;
            for (Decoded d : fetchFailed) {
                // The store answers but fails this object: it may be the object's fault, so only so many tries.
                if (attempts.failed(d.record()) < maxAttempts) {
                    retry = true;
                }
            }
            if (retry) {
                throw new StoreUnavailable(fetchFailed.getFirst().fetchFailure());
            }
        }
        List<Decoded> ready = new ArrayList<>();
        for (Decoded d : decoded) {
            if (d.tensor() != null) {
                ready.add(d);
            }
        }
        float[][] probabilities = scorer.classify(ready);
        long runNanos = System.nanoTime() - started;
        int next = 0;
        for (Decoded d : decoded) {
            if (d.fetchFailure() != null) {
                outcome.add(new Fetched(
                        d.record(),
                        null,
                        new IOException(
                                "The object store failed to serve s3://"
                                        + d.upload().object().bucket() + "/"
                                        + d.upload().object().key() + " " + maxAttempts
                                        + " times while it answered other requests: "
                                        + d.fetchFailure().getMessage(),
                                d.fetchFailure())));
            } else if (d.failure() != null) {
                outcome.add(new Fetched(d.record(), null, d.failure()));
            } else {
                float[] row = probabilities[next++];
                if (row == null) {
                    outcome.add(new Fetched(d.record(), null, scorer.modelFailure(d)));
                } else {
                    double millis = (d.decodeNanos() + scorer.lastRunNanos / (double) ready.size()) / 1e6;
                    outcome.add(new Fetched(
                            d.record(),
                            scorer.predictions.predict(d.upload(), row, millis, scorer.clock.instant()),
                            null));
                }
            }
        }
        scorer.metrics.batch(ready.size(), scorer.lastRunNanos, runNanos);
        return outcome;
    }

    /** One past the last record, per partition: what the transaction commits once every record is done. */
    Map<TopicPartition, OffsetAndMetadata> nextOffsets() {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : records) {
            offsets.merge(
                    new TopicPartition(r.topic(), r.partition()),
                    new OffsetAndMetadata(r.offset() + 1),
                    (a, b) -> a.offset() >= b.offset() ? a : b);
        }
        return offsets;
    }

    /** The first record per partition: where to rewind to when the batch must be read again. */
    Map<TopicPartition, Long> firstOffsets() {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : records) {
            offsets.merge(new TopicPartition(r.topic(), r.partition()), r.offset(), Math::min);
        }
        return offsets;
    }

    static byte[] keyBytes(ConsumerRecord<String, byte[]> record) {
        return record.key() == null ? null : record.key().getBytes(StandardCharsets.UTF_8);
    }

    /** One record's outcome: a prediction, or the failure to dead-letter. */
    record Fetched(ConsumerRecord<String, byte[]> record, Prediction prediction, Throwable failure) {}

    /** Fetched and decoded; or failed for good ({@code failure}); or the store failed to serve it ({@code fetchFailure}). */
    private record Decoded(
            ConsumerRecord<String, byte[]> record,
            Upload upload,
            boolean fetched,
            float[] tensor,
            long decodeNanos,
            Throwable failure,
            IOException fetchFailure) {}

    /** The object store is unreachable or failed an object that has attempts left: retry the whole batch later. */
    static final class StoreUnavailable extends RuntimeException {
        StoreUnavailable(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    /** What every batch shares: where photos come from, how they become tensors, and the model. */
    static final class Scorer {
        private final ImageStore images;
        private final ImageClassifier classifier;
        private final PhotoTensors tensors;
        private final PredictionFactory predictions;
        private final ExecutorService decodePool;
        private final Clock clock;
        private final PipelineMetrics metrics;
        private volatile long lastRunNanos;
        private volatile String lastModelError;

        Scorer(
                ImageStore images,
                ImageClassifier classifier,
                PhotoTensors tensors,
                ExecutorService decodePool,
                int topK,
                Clock clock,
                PipelineMetrics metrics) {
            this.images = images;
            this.classifier = classifier;
            this.tensors = tensors;
            this.predictions = new PredictionFactory(
                    classifier.files().modelRef(), classifier.files().labels(), topK);
            this.decodePool = decodePool;
            this.clock = clock;
            this.metrics = metrics;
        }

        String modelName() {
            return classifier.files().modelRef().qualifiedName() + " ("
                    + classifier.files().labels().size() + " labels)";
        }

        ScoringBatch start(ConsumerRecords<String, byte[]> records) {
            List<CompletableFuture<Decoded>> decoding = new ArrayList<>(records.count());
            for (ConsumerRecord<String, byte[]> record : records) {
                decoding.add(CompletableFuture.supplyAsync(() -> decode(record), decodePool));
            }
            List<ConsumerRecord<String, byte[]>> inOrder = new ArrayList<>(records.count());
            records.forEach(inOrder::add);
            return new ScoringBatch(inOrder, decoding, this, System.nanoTime());
        }

        /** Fetch, decode and preprocess one upload. Only an I/O failure of the store is not final. */
        private Decoded decode(ConsumerRecord<String, byte[]> record) {
            long started = System.nanoTime();
            Upload upload = null;
            boolean fetched = false;
            try {
                upload = Topics.UPLOADS.valueSerde().deserialize(record.topic(), record.value());
                if (upload == null || upload.object() == null) {
                    throw new SerializationException("Upload event has no object reference");
                }
                UploadKeys.requireMatch(record.topic(), record.key(), upload.uploadId());
                byte[] bytes = images.read(upload.object());
                fetched = true;
                float[] tensor = tensors.fromPhoto(bytes);
                return new Decoded(record, upload, true, tensor, System.nanoTime() - started, null, null);
            } catch (IOException e) {
                return new Decoded(record, upload, false, null, 0, null, e);
            } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
                return new Decoded(record, upload, fetched, null, 0, e, null);
            }
        }

        /** One model run for the batch; if ONNX Runtime refuses it, each image alone (null rows failed). */
        private float[][] classify(List<Decoded> ready) {
            long t = System.nanoTime();
            try {
                return classifier.classify(ready.stream().map(Decoded::tensor).toList());
            } catch (OrtException | RuntimeException e) {
                lastModelError = e.getMessage();
                float[][] rows = new float[ready.size()][];
                for (int i = 0; i < ready.size(); i++) {
                    try {
                        rows[i] = classifier.classify(List.of(ready.get(i).tensor()))[0];
                    } catch (OrtException | RuntimeException single) {
                        rows[i] = null;
                    }
                }
                return rows;
            } finally {
                lastRunNanos = System.nanoTime() - t;
            }
        }

        private RuntimeException modelFailure(Decoded d) {
            return new IllegalStateException("ONNX Runtime failed on this image: " + lastModelError);
        }
    }
}
