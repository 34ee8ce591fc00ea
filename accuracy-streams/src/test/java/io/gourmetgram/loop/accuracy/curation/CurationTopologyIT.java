package io.gourmetgram.loop.accuracy.curation;

import static org.assertj.core.api.Assertions.assertThat;

import io.gourmetgram.loop.events.Annotation;
import io.gourmetgram.loop.events.AnnotationAction;
import io.gourmetgram.loop.events.Food11;
import io.gourmetgram.loop.events.LabelingRequest;
import io.gourmetgram.loop.events.ObjectRef;
import io.gourmetgram.loop.events.Prediction;
import io.gourmetgram.loop.events.ReviewReason;
import io.gourmetgram.loop.events.testing.S3TestServer;
import io.gourmetgram.loop.events.testing.TestEvents;
import io.gourmetgram.loop.events.topics.KeyPartitioning;
import io.gourmetgram.loop.events.topics.Topics;
import io.gourmetgram.loop.support.streams.UploadKeyCheck;
import io.gourmetgram.loop.support.testing.TopologyHarness;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.Result;
import io.minio.messages.Item;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.TestInputTopic;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The curation topology (TopologyTestDriver) against a real S3 server. */
class CurationTopologyIT {

    private static final Instant T = Instant.parse("2026-11-24T10:00:00Z");

    private S3TestServer s3;
    private MinioClient minio;
    private DatasetStore store;
    private TopologyHarness harness;
    private TestInputTopic<String, Prediction> predictions;
    private TestInputTopic<String, LabelingRequest> requests;
    private TestInputTopic<String, Annotation> annotations;

    @BeforeEach
    void start() throws Exception {
        s3 = S3TestServer.start();
        minio = MinioClient.builder()
                .endpoint(s3.endpoint())
                .credentials(S3TestServer.ACCESS_KEY, S3TestServer.SECRET_KEY)
                .build();
        minio.makeBucket(MakeBucketArgs.builder().bucket("production").build());
        store = new DatasetStore(minio);
        store.ensureBuckets();
        open(new Properties());
    }

    private void open(Properties tuning) {
        if (harness != null) {
            harness.close();
        }
        harness = TopologyHarness.start(
                CurationTopology.build(store, Food11.LABELS, 0.9, false),
                CurationStreams.APPLICATION_ID,
                Topics.ACCURACY_DEAD_LETTER,
                tuning,
                T);
        predictions = harness.input(Topics.PREDICTIONS);
        requests = harness.input(Topics.LABELING_REQUESTS);
        annotations = harness.input(Topics.ANNOTATIONS);
    }

    @AfterEach
    void stop() throws Exception {
        harness.close();
        s3.close();
    }

    /** Unreviewed predictions: only confident ones become (noisy) training data. */
    @Nested
    class Predictions {

        @Test
        void aConfidentUnreviewedPredictionIsFiledInTheNoisySetByPredictedLabel() throws Exception {
            predictions.pipeInput("u1", prediction("u1", 7, 0.95));
            predictions.pipeInput("u2", prediction("u2", 7, 0.5));

            assertThat(keys(DatasetStore.NOISY)).containsExactly("class_07/u1.jpg");
            assertThat(keys(DatasetStore.CLEAN)).isEmpty();
        }
    }

    /** A human label decides where a photo is filed, as long as it stands. */
    @Nested
    class HumanLabels {

        @Test
        void aHumanLabelFilesThePhotoInBothSetsByThatLabelAndWithdrawsThePredictionCopy() throws Exception {
            predictions.pipeInput("u1", prediction("u1", 7, 0.95));
            requests.pipeInput("u1", request("u1", prediction("u1", 7, 0.95)));
            annotations.pipeInput("u1", annotation("u1", "Soup", AnnotationAction.CREATED));

            assertThat(keys(DatasetStore.CLEAN)).containsExactly("class_09/u1.jpg");
            assertThat(keys(DatasetStore.NOISY)).containsExactly("class_09/u1.jpg");

            annotations.pipeInput("u1", annotation("u1", "Rice", AnnotationAction.UPDATED));
            assertThat(keys(DatasetStore.CLEAN)).containsExactly("class_07/u1.jpg");

            annotations.pipeInput("u1", annotation("u1", null, AnnotationAction.DELETED));
            assertThat(keys(DatasetStore.CLEAN)).isEmpty();
            assertThat(keys(DatasetStore.NOISY)).isEmpty();
        }
    }

    /** Records whose key is not their upload are dead-lettered, never filed under the wrong photo. */
    @Nested
    class Errors {

        @Test
        void aPredictionKeyedByAnotherUploadIsDeadLetteredNotFiled() throws Exception {
            predictions.pipeInput("u1", prediction("u2", 7, 0.95));

            assertThat(keys(DatasetStore.NOISY)).isEmpty();
            assertThat(harness.deadLetters())
                    .singleElement()
                    .satisfies(letter -> assertThat(letter.errorMessage()).contains("keyed 'u1'"));
        }
    }

    /** An S3 outage delays filing; it never drops a label or leaves a photo under its old class. */
    @Nested
    class StoreOutages {

        private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

        @AfterEach
        void forgetRegistry() {
            Metrics.removeRegistry(registry);
        }

        @Test
        void aLabelThatArrivesWhileTheStoreIsDownIsFiledOnceItIsBackAndNeverDeadLettered() throws Exception {
            Metrics.addRegistry(registry);
            predictions.pipeInput("u1", prediction("u1", 7, 0.95));
            requests.pipeInput("u1", request("u1", prediction("u1", 7, 0.95)));

            s3.stop();
            CompletableFuture<Void> labelled = CompletableFuture.runAsync(
                    () -> annotations.pipeInput("u1", annotation("u1", "Soup", AnnotationAction.CREATED)));
            Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .until(() ->
                            registry.counter("gourmetgram.curation.s3.retries").count() >= 3);
            assertThat(labelled).isNotDone(); // held, not skipped
            assertThat(harness.deadLetters()).isEmpty();

            s3.restart();
            labelled.get(30, TimeUnit.SECONDS);

            assertThat(keys(DatasetStore.CLEAN)).containsExactly("class_09/u1.jpg");
            assertThat(keys(DatasetStore.NOISY)).containsExactly("class_09/u1.jpg");
            assertThat(harness.deadLetters()).isEmpty();
        }

        @Test
        void aLabelForAPhotoThatNoLongerExistsIsDeadLetteredAndTheStreamContinues() throws Exception {
            predictions.pipeInput("u1", prediction("u1", 7, 0.5));
            requests.pipeInput("u1", request("u1", prediction("u1", 7, 0.5)));
            minio.removeObject(RemoveObjectArgs.builder()
                    .bucket("production")
                    .object("u1.jpg")
                    .build());
            annotations.pipeInput("u1", annotation("u1", "Soup", AnnotationAction.CREATED));
            predictions.pipeInput("u2", prediction("u2", 7, 0.95));

            assertThat(harness.deadLetters())
                    .singleElement()
                    .satisfies(letter -> assertThat(letter.errorMessage()).contains("u1.jpg"));
            assertThat(keys(DatasetStore.NOISY)).containsExactly("class_07/u2.jpg");
        }
    }

    /** A label written by a producer that does not partition with murmur2 is never filed silently elsewhere. */
    @Nested
    class ForeignProducers {

        @Test
        void aLabelOnAnotherPartitionThanItsKeysIsDeadLetteredNotFiled() throws Exception {
            Properties threePartitions = new Properties();
            for (var topic : List.of(Topics.PREDICTIONS, Topics.LABELING_REQUESTS, Topics.ANNOTATIONS)) {
                threePartitions.put(UploadKeyCheck.PARTITIONS + topic.name(), 3);
            }
            open(threePartitions);
            String misplaced = java.util.stream.IntStream.iterate(0, i -> i + 1)
                    .mapToObj(i -> "u" + i)
                    .filter(id -> KeyPartitioning.partitionOf(id, 3) != 0)
                    .findFirst()
                    .orElseThrow();

            annotations.pipeInput(
                    misplaced, annotation(misplaced, "Soup", AnnotationAction.CREATED)); // driver: partition 0

            assertThat(keys(DatasetStore.CLEAN)).isEmpty();
            assertThat(harness.deadLetters())
                    .singleElement()
                    .satisfies(letter -> assertThat(letter.errorMessage()).contains("belongs on partition"));
        }
    }

    private List<String> keys(String bucket) throws Exception {
        List<String> keys = new ArrayList<>();
        for (Result<Item> item : minio.listObjects(
                ListObjectsArgs.builder().bucket(bucket).recursive(true).build())) {
            keys.add(item.get().objectName());
        }
        return keys;
    }

    private Prediction prediction(String id, int index, double confidence) throws Exception {
        byte[] photo = ("photo " + id).getBytes();
        minio.putObject(PutObjectArgs.builder().bucket("production").object(id + ".jpg").stream(
                        new ByteArrayInputStream(photo), photo.length, -1)
                .build());
        return TestEvents.prediction(id)
                .object(new ObjectRef("production", id + ".jpg"))
                .label(Food11.LABELS.get(index))
                .confidence(confidence)
                .scoredAt(T)
                .build();
    }

    private static LabelingRequest request(String id, Prediction p) {
        return TestEvents.labelingRequest(id)
                .prediction(p)
                .reasons(ReviewReason.FLAGGED)
                .at(T)
                .build();
    }

    private static Annotation annotation(String id, String label, AnnotationAction action) {
        return TestEvents.annotation(id)
                .label(label)
                .action(action)
                .updatedAt(T)
                .build();
    }
}
