package io.gourmetgram.loop.events.topics;

import io.gourmetgram.loop.events.AccuracyWindow;
import io.gourmetgram.loop.events.Annotation;
import io.gourmetgram.loop.events.DeadLetter;
import io.gourmetgram.loop.events.Feedback;
import io.gourmetgram.loop.events.LabelingReceipt;
import io.gourmetgram.loop.events.LabelingRequest;
import io.gourmetgram.loop.events.Prediction;
import io.gourmetgram.loop.events.RetrainSignal;
import io.gourmetgram.loop.events.Upload;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.TopicConfig;

/**
 * The topic catalog: every topic of the system, in one place. Modules refer to these constants,
 * never to topic names as strings, and create them with stage-support's {@code TopicProvisioner}.
 *
 * <p>The partition counts here are the local stack's; a deployment sets its own with {@code
 * KAFKA_TOPIC_PARTITIONS} (and {@code KAFKA_REPLICATION_FACTOR}), applied to every topic declared with
 * more than one partition. Compacted topics hold a state whose latest value per key is all that
 * matters and that consumers rebuild by reading from the start (README: "Compacted topics, and why").
 */
public final class Topics {

    private static final String UPLOAD_ID = "upload id";
    private static final int PARTITIONS = 3;

    private static final List<TopicSpec<?>> ALL = new ArrayList<>();

    public static final TopicSpec<Upload> UPLOADS =
            register(new TopicSpec<>("uploads", UPLOAD_ID, Upload.class, PARTITIONS, retention(Duration.ofDays(30))));

    public static final TopicSpec<Prediction> PREDICTIONS = register(
            new TopicSpec<>("predictions", UPLOAD_ID, Prediction.class, PARTITIONS, retention(Duration.ofDays(30))));

    public static final TopicSpec<Feedback> FEEDBACK = register(
            new TopicSpec<>("feedback", UPLOAD_ID, Feedback.class, PARTITIONS, retention(Duration.ofDays(90))));

    /** Compacted: a request's latest revision is its state; readers rebuild it from the start of the topic. */
    public static final TopicSpec<LabelingRequest> LABELING_REQUESTS =
            register(new TopicSpec<>("labeling-requests", UPLOAD_ID, LabelingRequest.class, PARTITIONS, compacted()));

    /** Human labels are the most expensive data we have: kept forever. */
    public static final TopicSpec<Annotation> ANNOTATIONS = register(new TopicSpec<>(
            "annotations", UPLOAD_ID, Annotation.class, PARTITIONS, Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1")));

    /** labeling-sink's upload → Label Studio task receipts; compacted, the latest receipt per upload is kept. */
    public static final TopicSpec<LabelingReceipt> LABELING_RECEIPTS =
            register(new TopicSpec<>("labeling-receipts", UPLOAD_ID, LabelingReceipt.class, PARTITIONS, compacted()));

    /** Hourly (by default) accuracy per model version; compacted, the latest record per window and model wins. */
    public static final TopicSpec<AccuracyWindow> ACCURACY_TUMBLING = register(new TopicSpec<>(
            "accuracy-tumbling", AccuracyWindow.KEY_FORMAT, AccuracyWindow.class, PARTITIONS, compacted()));

    /** Rolling (by default 24 h advancing 1 h) accuracy per model version; compacted likewise. */
    public static final TopicSpec<AccuracyWindow> ACCURACY_ROLLING = register(new TopicSpec<>(
            "accuracy-rolling", AccuracyWindow.KEY_FORMAT, AccuracyWindow.class, PARTITIONS, compacted()));

    /** When a model version should be retrained; consumed by training pipelines. */
    public static final TopicSpec<RetrainSignal> RETRAIN_SIGNALS = register(new TopicSpec<>(
            "retrain-signals", "model id:version", RetrainSignal.class, 1, retention(Duration.ofDays(365))));

    public static final TopicSpec<DeadLetter> INGEST_API_DEAD_LETTER = deadLetter("ingest-api");
    public static final TopicSpec<DeadLetter> INFERENCE_DEAD_LETTER = deadLetter("inference-processor");
    public static final TopicSpec<DeadLetter> SAMPLING_DEAD_LETTER = deadLetter("sampling-streams");
    public static final TopicSpec<DeadLetter> LABELING_DEAD_LETTER = deadLetter("labeling-sink");
    public static final TopicSpec<DeadLetter> ACCURACY_DEAD_LETTER = deadLetter("accuracy-streams");

    private Topics() {}

    /** Every topic in the catalog, in declaration order. */
    public static List<TopicSpec<?>> all() {
        return Collections.unmodifiableList(ALL);
    }

    /** Registers a topic declared elsewhere in this package (keeps {@link #all()} complete). */
    static <V> TopicSpec<V> register(TopicSpec<V> spec) {
        if (ALL.stream().anyMatch(t -> t.name().equals(spec.name()))) {
            throw new IllegalStateException("Topic " + spec.name() + " is declared twice in the catalog");
        }
        ALL.add(spec);
        return spec;
    }

    private static TopicSpec<DeadLetter> deadLetter(String stage) {
        return register(new TopicSpec<>(
                stage + "-dead-letter",
                "the original record's key",
                DeadLetter.class,
                1,
                retention(Duration.ofDays(30))));
    }

    static Map<String, String> retention(Duration retention) {
        return Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG,
                TopicConfig.CLEANUP_POLICY_DELETE,
                TopicConfig.RETENTION_MS_CONFIG,
                Long.toString(retention.toMillis()));
    }

    static Map<String, String> compacted() {
        return Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
    }
}
