package io.gourmetgram.loop.accuracy.curation;

import static org.assertj.core.api.Assertions.assertThat;

import io.gourmetgram.loop.events.Annotation;
import io.gourmetgram.loop.events.AnnotationAction;
import io.gourmetgram.loop.events.Food11;
import io.gourmetgram.loop.events.LabelingRequest;
import io.gourmetgram.loop.events.ModelRef;
import io.gourmetgram.loop.events.ObjectRef;
import io.gourmetgram.loop.events.Prediction;
import io.gourmetgram.loop.events.ReasonInclusion;
import io.gourmetgram.loop.events.RequestState;
import io.gourmetgram.loop.events.ReviewReason;
import io.gourmetgram.loop.events.ScoredLabel;
import io.gourmetgram.loop.events.testing.S3TestServer;
import io.gourmetgram.loop.events.topics.Topics;
import io.gourmetgram.loop.events.errors.StreamsErrorPolicy;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.minio.ListObjectsArgs;
import io.minio.RemoveObjectArgs;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.awaitility.Awaitility;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.Result;
import io.minio.messages.Item;
import java.io.ByteArrayInputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The curation topology (TopologyTestDriver) against a real S3 server. */
class CurationTopologyIT {

    private static final Instant T = Instant.parse("2026-11-24T10:00:00Z");

    private S3TestServer s3;
    private MinioClient minio;
    private TopologyTestDriver driver;
    private TestInputTopic<String, Prediction> predictions;
    private TestInputTopic<String, LabelingRequest> requests;
    private TestInputTopic<String, Annotation> annotations;
    private final MockProducer<byte[], byte[]> deadLetters =
            new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @BeforeEach
    void start() throws Exception {
        s3 = S3TestServer.start();
        minio = MinioClient.builder().endpoint(s3.endpoint()).credentials(S3TestServer.ACCESS_KEY, S3TestServer.SECRET_KEY).build();
        minio.makeBucket(MakeBucketArgs.builder().bucket("production").build());
        DatasetStore store = new DatasetStore(minio);
        store.ensureBuckets();
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "curation-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        StreamsErrorPolicy.apply(props, "accuracy-streams", Topics.ACCURACY_DEAD_LETTER, deadLetters);
        driver = new TopologyTestDriver(CurationTopology.build(store, Food11.LABELS, 0.9, false), props);
        predictions = driver.createInputTopic(Topics.PREDICTIONS.name(), new StringSerializer(), Topics.PREDICTIONS.valueSerde().serializer());
        requests = driver.createInputTopic(Topics.LABELING_REQUESTS.name(), new StringSerializer(),
                Topics.LABELING_REQUESTS.valueSerde().serializer());
        annotations = driver.createInputTopic(Topics.ANNOTATIONS.name(), new StringSerializer(), Topics.ANNOTATIONS.valueSerde().serializer());
    }

    @AfterEach
    void stop() throws Exception {
        driver.close();
        s3.close();
        Metrics.removeRegistry(registry);
    }

    @Test
    void aLabelThatArrivesWhileTheStoreIsDownIsFiledOnceItIsBackAndNeverDeadLettered() throws Exception {
        Metrics.addRegistry(registry);
        predictions.pipeInput("u1", prediction("u1", 7, 0.95));
        requests.pipeInput("u1", request("u1", prediction("u1", 7, 0.95)));

        s3.stop();
        CompletableFuture<Void> labelled = CompletableFuture.runAsync(() -> annotations.pipeInput("u1",
                new Annotation("u1", 1, 1, "Soup", "7", 1.0, AnnotationAction.CREATED, T, T)));
        Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> registry.counter("gourmetgram.curation.s3.retries").count() >= 3);
        assertThat(labelled).isNotDone(); // held, not skipped
        assertThat(deadLetters.history()).isEmpty();

        s3.restart();
        labelled.get(30, TimeUnit.SECONDS);

        assertThat(keys(DatasetStore.CLEAN)).containsExactly("class_09/u1.jpg");
        assertThat(keys(DatasetStore.NOISY)).containsExactly("class_09/u1.jpg");
        assertThat(deadLetters.history()).isEmpty();
    }

    @Test
    void aLabelForAPhotoThatNoLongerExistsIsDeadLetteredAndTheStreamContinues() throws Exception {
        predictions.pipeInput("u1", prediction("u1", 7, 0.5));
        requests.pipeInput("u1", request("u1", prediction("u1", 7, 0.5)));
        minio.removeObject(RemoveObjectArgs.builder().bucket("production").object("u1.jpg").build());
        annotations.pipeInput("u1", new Annotation("u1", 1, 1, "Soup", "7", 1.0, AnnotationAction.CREATED, T, T));
        predictions.pipeInput("u2", prediction("u2", 7, 0.95));

        assertThat(deadLetters.history()).hasSize(1);
        assertThat(keys(DatasetStore.NOISY)).containsExactly("class_07/u2.jpg");
    }

    @Test
    void aConfidentUnreviewedPredictionIsFiledInTheNoisySetByPredictedLabel() throws Exception {
        predictions.pipeInput("u1", prediction("u1", 7, 0.95));
        predictions.pipeInput("u2", prediction("u2", 7, 0.5));

        assertThat(keys(DatasetStore.NOISY)).containsExactly("class_07/u1.jpg");
        assertThat(keys(DatasetStore.CLEAN)).isEmpty();
    }

    @Test
    void aHumanLabelFilesThePhotoInBothSetsByThatLabelAndWithdrawsThePredictionCopy() throws Exception {
        predictions.pipeInput("u1", prediction("u1", 7, 0.95));
        requests.pipeInput("u1", request("u1", prediction("u1", 7, 0.95)));
        annotations.pipeInput("u1", new Annotation("u1", 1, 1, "Soup", "7", 1.0, AnnotationAction.CREATED, T, T));

        assertThat(keys(DatasetStore.CLEAN)).containsExactly("class_09/u1.jpg");
        assertThat(keys(DatasetStore.NOISY)).containsExactly("class_09/u1.jpg");

        annotations.pipeInput("u1", new Annotation("u1", 1, 1, "Rice", "7", 1.0, AnnotationAction.UPDATED, T, T));
        assertThat(keys(DatasetStore.CLEAN)).containsExactly("class_07/u1.jpg");

        annotations.pipeInput("u1", new Annotation("u1", 1, 1, null, "7", null, AnnotationAction.DELETED, T, T));
        assertThat(keys(DatasetStore.CLEAN)).isEmpty();
        assertThat(keys(DatasetStore.NOISY)).isEmpty();
    }

    private List<String> keys(String bucket) throws Exception {
        List<String> keys = new ArrayList<>();
        for (Result<Item> item : minio.listObjects(ListObjectsArgs.builder().bucket(bucket).recursive(true).build())) {
            keys.add(item.get().objectName());
        }
        return keys;
    }

    private Prediction prediction(String id, int index, double confidence) throws Exception {
        byte[] photo = ("photo " + id).getBytes();
        minio.putObject(PutObjectArgs.builder().bucket("production").object(id + ".jpg")
                .stream(new ByteArrayInputStream(photo), photo.length, -1).build());
        return new Prediction(id, new ObjectRef("production", id + ".jpg"), new ModelRef("m", "1"), Food11.LABELS.get(index),
                index, confidence, List.of(new ScoredLabel(Food11.LABELS.get(index), index, confidence)), 1.0, T);
    }

    private static LabelingRequest request(String id, Prediction p) {
        return new LabelingRequest(id, 1, RequestState.OPEN, List.of(new ReasonInclusion(ReviewReason.FLAGGED, 1.0)), 1.0, p,
                null, T, T);
    }
}
