package io.gourmetgram.loop.inference.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gourmetgram.loop.events.ObjectRef;
import io.gourmetgram.loop.events.Upload;
import io.gourmetgram.loop.events.testing.ManualClock;
import io.gourmetgram.loop.events.testing.TestEvents;
import io.gourmetgram.loop.events.topics.Topics;
import io.gourmetgram.loop.inference.model.ImageClassifier;
import io.gourmetgram.loop.inference.model.ModelFiles;
import io.gourmetgram.loop.inference.preprocessing.PhotoTensors;
import io.gourmetgram.loop.inference.preprocessing.UndecodableImageException;
import io.gourmetgram.loop.inference.storage.ImageStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.minio.MinioClient;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the loop does when Kafka or S3 misbehave in ways real servers cannot be made to on cue: a
 * commit that times out, an abort that fails, a broker gone for longer than the stall timeout, one
 * object the store keeps failing while it answers. Kafka's own client doubles stand in for the
 * broker; the record is mostly an upload event that is not JSON, so it is dead-lettered without S3
 * and the written dead letter shows whether the batch got through.
 */
class InferenceLoopKafkaFaultsTest {

    private static final TopicPartition UPLOADS_0 = new TopicPartition(Topics.UPLOADS.name(), 0);

    private final ReplayingConsumer consumer = new ReplayingConsumer();
    private final List<FaultyProducer> producers = new ArrayList<>();
    private final AtomicReference<FaultyProducer> nextProducer = new AtomicReference<>();
    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-30T12:00:00Z"));
    private ExecutorService decodePool;
    private ImageClassifier classifier;
    private InferenceLoop loop;
    private Thread thread;

    @BeforeEach
    void oneCorruptUploadWaits() {
        decodePool = Executors.newSingleThreadExecutor();
        classifier = ImageClassifier.load(ModelFiles.builtIn(), 1);
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(UPLOADS_0));
            consumer.updateBeginningOffsets(Map.of(UPLOADS_0, 0L));
            consumer.append(new ConsumerRecord<>(UPLOADS_0.topic(), 0, 0L, "upload-1", "{not json".getBytes()));
        });
    }

    @AfterEach
    void stop() throws Exception {
        loop.stop();
        thread.join(10_000);
        decodePool.shutdownNow();
        classifier.close();
    }

    @Test
    void aCommitThatTimesOutIsRetriedAndTheBatchIsWrittenOnce() {
        FaultyProducer producer = new FaultyProducer();
        producer.commitTimeouts = 2;
        start(producer, Duration.ofMinutes(2));

        await().atMost(Duration.ofSeconds(20)).until(producer::transactionCommitted);
        assertThat(deadLetters(producer)).hasSize(1);
        assertThat(producer.consumerGroupOffsetsHistory()).hasSize(1);
        assertThat(producers).hasSize(1);
        assertThat(producer.transactionAborted()).isFalse();
    }

    @Test
    void anAbortThatFailsLeadsToAFreshProducerThatWritesTheBatch() {
        FaultyProducer broken = new FaultyProducer();
        broken.commitTransactionException = new KafkaException("broker went away mid-commit");
        broken.abortTransactionException = new KafkaException("cannot abort either");
        FaultyProducer fresh = new FaultyProducer();
        nextProducer.set(fresh);
        start(broken, Duration.ofMinutes(2));

        await().atMost(Duration.ofSeconds(20)).until(fresh::transactionCommitted);
        assertThat(broken.closed()).isTrue();
        assertThat(deadLetters(broken)).isEmpty();
        assertThat(deadLetters(fresh)).hasSize(1);
        assertThat(producers).hasSize(2);
        assertThat(loop.problem()).isNull();
    }

    @Test
    void healthIsDownWithTheReasonWhileCommitsKeepTimingOutAndUpAgainOnceTheyGoThrough() {
        FaultyProducer producer = new FaultyProducer();
        producer.commitTimeouts = Integer.MAX_VALUE;
        producer.clockStepPerCommit = Duration.ofSeconds(40); // each timed-out commit is a max.block.ms wait
        start(producer, Duration.ofDays(365));

        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(loop.problem())
                        .contains("no upload scored or dead-lettered for")
                        .contains("TimeoutException"));
        assertThat(loop.isHealthy()).isFalse();

        producer.commitTimeouts = 0; // the broker is back
        await().atMost(Duration.ofSeconds(20)).until(producer::transactionCommitted);
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(loop.problem()).isNull());
        assertThat(deadLetters(producer)).hasSize(1);
    }

    @Test
    void aLoopThatDiedSaysWhyInItsHealth() {
        FaultyProducer producer = new FaultyProducer();
        producer.commitTransactionException = new org.apache.kafka.common.errors.ProducerFencedException(
                "another instance took over transactional id inference-processor-test");
        start(producer, Duration.ofMinutes(2));

        await().atMost(Duration.ofSeconds(20)).until(() -> !thread.isAlive());
        assertThat(loop.problem()).contains("processing loop stopped").contains("another instance took over");
    }

    @Test
    void aPhotoTheStoreKeepsFailingWhileItAnswersIsDeadLetteredAfterTheCapAndTheOneBehindItIsScored() {
        consumer.schedulePollTask(() -> {
            consumer.append(upload(1L, "broken-object"));
            consumer.append(upload(2L, "fine-object"));
        });
        FaultyProducer producer = new FaultyProducer();
        AtomicInteger reads = new AtomicInteger();
        ImageStore store = new ImageStore(unusedClient()) {
            @Override
            public byte[] read(ObjectRef ref) throws IOException {
                if (ref.key().equals("broken-object")) {
                    reads.incrementAndGet();
                    throw new IOException("S3 answered 500 InternalError for this object");
                }
                return new byte[] {1};
            }

            @Override
            public boolean answers(String bucket) {
                return true;
            }
        };
        start(producer, Duration.ofMinutes(2), store, bytes -> new float[classifier.imageTensorSize()]);

        await().atMost(Duration.ofSeconds(20))
                .until(() -> deadLetters(producer).stream().anyMatch(r -> new String(r.key()).equals("broken-object")));
        await().atMost(Duration.ofSeconds(20))
                .until(() -> producer.history().stream()
                        .anyMatch(r -> r.topic().equals(Topics.PREDICTIONS.name())
                                && new String(r.key()).equals("fine-object")));
        assertThat(reads.get()).isEqualTo(3); // the cap: INFERENCE_MAX_RECORD_ATTEMPTS = 3 here
        assertThat(new String(deadLetters(producer).stream()
                        .filter(r -> new String(r.key()).equals("broken-object"))
                        .findFirst()
                        .orElseThrow()
                        .value()))
                .contains("failed to serve")
                .contains("3 times");
    }

    @Test
    void anUploadArrivingWhileALargePhotoDecodesIsDecodedMeanwhileAndWrittenWithIt() throws Exception {
        consumer.schedulePollTask(() -> consumer.append(upload(1L, "large-photo")));
        consumer.schedulePollTask(() -> consumer.append(upload(2L, "small-photo")));
        decodePool.shutdownNow();
        decodePool = Executors.newFixedThreadPool(2);
        CountDownLatch smallDecoded = new CountDownLatch(1);
        ImageStore store = new ImageStore(unusedClient()) {
            @Override
            public byte[] read(ObjectRef ref) {
                return new byte[] {(byte) (ref.key().equals("large-photo") ? 1 : 2)};
            }
        };
        FaultyProducer producer = new FaultyProducer();
        // The large photo's decoding ends only once the small one, polled after it, has been decoded.
        start(producer, Duration.ofMinutes(2), store, bytes -> {
            if (bytes[0] == 2) {
                smallDecoded.countDown();
            } else if (!awaitLatch(smallDecoded)) {
                throw new UndecodableImageException("the small photo was not decoded while the large one was");
            }
            return new float[classifier.imageTensorSize()];
        });

        await().atMost(Duration.ofSeconds(20))
                .until(() -> predictionKeys(producer).containsAll(List.of("large-photo", "small-photo")));
        assertThat(producer.consumerGroupOffsetsHistory())
                .as("the small photo's prediction is committed with the large one's, not in a transaction after it")
                .noneMatch(offsets -> offsets.values().stream()
                        .anyMatch(o ->
                                o.get(UPLOADS_0) != null && o.get(UPLOADS_0).offset() == 2L));
    }

    private static boolean awaitLatch(CountDownLatch latch) {
        try {
            return latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static List<String> predictionKeys(MockProducer<byte[], byte[]> producer) {
        return producer.history().stream()
                .filter(r -> r.topic().equals(Topics.PREDICTIONS.name()))
                .map(r -> new String(r.key()))
                .toList();
    }

    private static ConsumerRecord<String, byte[]> upload(long offset, String id) {
        Upload upload = TestEvents.upload(id).object("production", id).build();
        return new ConsumerRecord<>(
                UPLOADS_0.topic(), 0, offset, id, Topics.UPLOADS.valueSerde().serialize(Topics.UPLOADS.name(), upload));
    }

    private static MinioClient unusedClient() {
        return MinioClient.builder()
                .endpoint("http://127.0.0.1:9")
                .credentials("unused", "unused")
                .build();
    }

    private void start(FaultyProducer first, Duration commitGiveUp) {
        start(first, commitGiveUp, new ImageStore(unusedClient()), bytes -> {
            throw new UndecodableImageException("never reached: the event is not JSON");
        });
    }

    private void start(FaultyProducer first, Duration commitGiveUp, ImageStore store, PhotoTensors tensors) {
        AtomicBoolean firstHandedOut = new AtomicBoolean();
        InferenceLoop.Settings settings = new InferenceLoop.Settings(
                5, 16, Duration.ofMillis(10), Duration.ofMillis(10), 3, Duration.ofMinutes(1), commitGiveUp);
        loop = new InferenceLoop(
                consumer,
                () -> {
                    FaultyProducer p = firstHandedOut.getAndSet(true) ? nextProducer.get() : first;
                    producers.add(p);
                    return p;
                },
                store,
                classifier,
                tensors,
                decodePool,
                settings,
                clock,
                new SimpleMeterRegistry());
        thread = Thread.ofPlatform().name("inference-loop-test").start(loop);
    }

    private static List<ProducerRecord<byte[], byte[]>> deadLetters(MockProducer<byte[], byte[]> producer) {
        return producer.history().stream()
                .filter(r -> r.topic().equals(Topics.INFERENCE_DEAD_LETTER.name()))
                .toList();
    }

    /** Kafka's MockConsumer forgets records once polled; a real partition gives them again after a seek back. */
    private static final class ReplayingConsumer extends MockConsumer<String, byte[]> {
        private final List<ConsumerRecord<String, byte[]>> log = new ArrayList<>();

        ReplayingConsumer() {
            super("earliest");
        }

        synchronized void append(ConsumerRecord<String, byte[]> record) {
            log.add(record);
            addRecord(record);
        }

        @Override
        public synchronized void seek(TopicPartition partition, long offset) {
            super.seek(partition, offset);
            log.stream()
                    .filter(r -> r.partition() == partition.partition() && r.offset() >= offset)
                    .forEach(this::addRecord);
        }
    }

    /** Kafka's MockProducer whose commit times out a given number of times, each taking a step of the clock. */
    private final class FaultyProducer extends MockProducer<byte[], byte[]> {
        volatile int commitTimeouts;
        volatile Duration clockStepPerCommit = Duration.ZERO;

        FaultyProducer() {
            super(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        }

        @Override
        public void commitTransaction() {
            clock.advance(clockStepPerCommit);
            if (commitTimeouts > 0) {
                commitTimeouts--;
                throw new TimeoutException("Timeout expired after 60000ms while awaiting EndTxn(true)");
            }
            super.commitTransaction();
        }
    }
}
