package io.gourmetgram.loop.events.testing;

import io.gourmetgram.loop.events.AccuracyWindow;
import io.gourmetgram.loop.events.Annotation;
import io.gourmetgram.loop.events.AnnotationAction;
import io.gourmetgram.loop.events.ClientInfo;
import io.gourmetgram.loop.events.CorrectionPicker;
import io.gourmetgram.loop.events.DeadLetter;
import io.gourmetgram.loop.events.Feedback;
import io.gourmetgram.loop.events.FeedbackKind;
import io.gourmetgram.loop.events.Food11;
import io.gourmetgram.loop.events.LabelingReceipt;
import io.gourmetgram.loop.events.LabelingRequest;
import io.gourmetgram.loop.events.ModelRef;
import io.gourmetgram.loop.events.ObjectRef;
import io.gourmetgram.loop.events.Prediction;
import io.gourmetgram.loop.events.ReasonInclusion;
import io.gourmetgram.loop.events.RequestState;
import io.gourmetgram.loop.events.RetrainSignal;
import io.gourmetgram.loop.events.ReviewReason;
import io.gourmetgram.loop.events.ScoredLabel;
import io.gourmetgram.loop.events.Upload;
import io.gourmetgram.loop.events.WindowType;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Builders with sensible defaults for every event of the contract, for every module's tests: a test
 * sets only what it is about ({@code TestEvents.prediction("u1").confidence(0.4).build()}), so adding
 * an optional field to an event means editing this class, not every test that makes one.
 */
public final class TestEvents {

    /** The default time of every event. */
    public static final Instant AT = Instant.parse("2026-11-23T10:15:30.123Z");
    /** A well-formed SHA-256 (of "test"). */
    public static final String SHA256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    public static final ModelRef MODEL = new ModelRef("food11-demo", "1");
    public static final String BUCKET = "production";

    private TestEvents() {}

    public static UploadBuilder upload(String uploadId) {
        return new UploadBuilder(uploadId);
    }

    public static PredictionBuilder prediction(String uploadId) {
        return new PredictionBuilder(uploadId);
    }

    public static FeedbackBuilder flag(String uploadId) {
        return new FeedbackBuilder(uploadId, FeedbackKind.FLAG, null);
    }

    public static FeedbackBuilder correction(String uploadId, String label) {
        return new FeedbackBuilder(uploadId, FeedbackKind.CORRECTION, label);
    }

    public static FeedbackBuilder confirmation(String uploadId) {
        return new FeedbackBuilder(uploadId, FeedbackKind.CONFIRMATION, null);
    }

    public static LabelingRequestBuilder labelingRequest(String uploadId) {
        return new LabelingRequestBuilder(uploadId);
    }

    public static AnnotationBuilder annotation(String uploadId) {
        return new AnnotationBuilder(uploadId);
    }

    public static LabelingReceiptBuilder receipt(String uploadId) {
        return new LabelingReceiptBuilder(uploadId);
    }

    public static RetrainSignalBuilder retrainSignal() {
        return new RetrainSignalBuilder();
    }

    public static AccuracyWindowBuilder accuracyWindow() {
        return new AccuracyWindowBuilder();
    }

    public static DeadLetterBuilder deadLetter(String key) {
        return new DeadLetterBuilder(key);
    }

    /** The photo's object as ingest-api stores it. */
    public static ObjectRef objectOf(String uploadId) {
        return new ObjectRef(BUCKET, "2026/11/23/" + uploadId + ".jpg");
    }

    public static final class UploadBuilder {
        private final String uploadId;
        private ObjectRef object;
        private String contentType = "image/jpeg";
        private long byteSize = 123_456;
        private String sha256 = SHA256;
        private int width = 640;
        private int height = 480;
        private String feedbackTokenSha256 = SHA256;
        private Instant uploadedAt = AT;

        private UploadBuilder(String uploadId) {
            this.uploadId = uploadId;
            this.object = objectOf(uploadId);
        }

        public UploadBuilder object(ObjectRef object) {
            this.object = object;
            return this;
        }

        public UploadBuilder object(String bucket, String key) {
            return object(new ObjectRef(bucket, key));
        }

        public UploadBuilder contentType(String contentType) {
            this.contentType = contentType;
            return this;
        }

        public UploadBuilder byteSize(long byteSize) {
            this.byteSize = byteSize;
            return this;
        }

        public UploadBuilder size(int width, int height) {
            this.width = width;
            this.height = height;
            return this;
        }

        public UploadBuilder feedbackTokenSha256(String feedbackTokenSha256) {
            this.feedbackTokenSha256 = feedbackTokenSha256;
            return this;
        }

        public UploadBuilder uploadedAt(Instant uploadedAt) {
            this.uploadedAt = uploadedAt;
            return this;
        }

        public Upload build() {
            return new Upload(
                    uploadId, object, contentType, byteSize, sha256, width, height, feedbackTokenSha256, uploadedAt);
        }
    }

    /**
     * A prediction of {@code Soup} at 0.62 by {@link #MODEL}; unless {@link #topK} is given, the top-k
     * is the label at its confidence followed by two runners-up sharing the rest.
     */
    public static final class PredictionBuilder {
        private final String uploadId;
        private ObjectRef object;
        private ModelRef model = MODEL;
        private String label = "Soup";
        private Integer labelIndex;
        private double confidence = 0.62;
        private List<ScoredLabel> topK;
        private double inferenceMillis = 12.5;
        private Instant scoredAt = AT;

        private PredictionBuilder(String uploadId) {
            this.uploadId = uploadId;
            this.object = objectOf(uploadId);
        }

        public PredictionBuilder object(ObjectRef object) {
            this.object = object;
            return this;
        }

        public PredictionBuilder model(ModelRef model) {
            this.model = model;
            return this;
        }

        public PredictionBuilder model(String id, String version) {
            return model(new ModelRef(id, version));
        }

        /** The top-1 label; its index is its Food-11 position unless {@link #labelIndex} says otherwise. */
        public PredictionBuilder label(String label) {
            this.label = label;
            return this;
        }

        public PredictionBuilder labelIndex(int labelIndex) {
            this.labelIndex = labelIndex;
            return this;
        }

        public PredictionBuilder confidence(double confidence) {
            this.confidence = confidence;
            return this;
        }

        public PredictionBuilder topK(ScoredLabel... topK) {
            this.topK = List.of(topK);
            return this;
        }

        public PredictionBuilder inferenceMillis(double inferenceMillis) {
            this.inferenceMillis = inferenceMillis;
            return this;
        }

        public PredictionBuilder scoredAt(Instant scoredAt) {
            this.scoredAt = scoredAt;
            return this;
        }

        public Prediction build() {
            int index = labelIndex != null ? labelIndex : Math.max(0, Food11.LABELS.indexOf(label));
            List<ScoredLabel> scored = topK != null ? topK : defaultTopK(index);
            return new Prediction(uploadId, object, model, label, index, confidence, scored, inferenceMillis, scoredAt);
        }

        private List<ScoredLabel> defaultTopK(int index) {
            double rest = (1 - confidence) / 2;
            List<String> others = Food11.LABELS.stream()
                    .filter(l -> !l.equals(label))
                    .limit(2)
                    .toList();
            return List.of(
                    new ScoredLabel(label, index, confidence),
                    new ScoredLabel(others.get(0), Food11.LABELS.indexOf(others.get(0)), rest),
                    new ScoredLabel(others.get(1), Food11.LABELS.indexOf(others.get(1)), rest));
        }
    }

    public static final class FeedbackBuilder {
        private final String uploadId;
        private final FeedbackKind kind;
        private final String correctedLabel;
        private Instant at = AT;
        private ClientInfo client = new ClientInfo("test", "127.0.0.1");
        private CorrectionPicker picker;

        private FeedbackBuilder(String uploadId, FeedbackKind kind, String correctedLabel) {
            this.uploadId = uploadId;
            this.kind = kind;
            this.correctedLabel = correctedLabel;
        }

        public FeedbackBuilder at(Instant at) {
            this.at = at;
            return this;
        }

        public FeedbackBuilder client(ClientInfo client) {
            this.client = client;
            return this;
        }

        /** How the correction was picked on the page and the order the classes were shown in. */
        public FeedbackBuilder picker(String inputMethod, String... labelsShown) {
            this.picker = new CorrectionPicker(inputMethod, List.of(labelsShown));
            return this;
        }

        public Feedback build() {
            return new Feedback(uploadId, kind, correctedLabel, at, client, picker);
        }
    }

    /**
     * An open, first-revision request for review because of {@code LOW_CONFIDENCE}, carrying a
     * default prediction of the same upload.
     */
    public static final class LabelingRequestBuilder {
        private final String uploadId;
        private int revision = 1;
        private RequestState state = RequestState.OPEN;
        private List<ReasonInclusion> reasons = List.of(new ReasonInclusion(ReviewReason.LOW_CONFIDENCE, 1.0));
        private double inclusionProbability = 1.0;
        private Prediction prediction;
        private String userCorrection;
        private Instant requestedAt = AT;
        private Instant updatedAt = AT;

        private LabelingRequestBuilder(String uploadId) {
            this.uploadId = uploadId;
        }

        public LabelingRequestBuilder revision(int revision) {
            this.revision = revision;
            return this;
        }

        public LabelingRequestBuilder state(RequestState state) {
            this.state = state;
            return this;
        }

        /** Each reason with inclusion probability 1. */
        public LabelingRequestBuilder reasons(ReviewReason... reasons) {
            this.reasons =
                    Arrays.stream(reasons).map(r -> new ReasonInclusion(r, 1.0)).toList();
            return this;
        }

        public LabelingRequestBuilder inclusions(ReasonInclusion... inclusions) {
            this.reasons = List.of(inclusions);
            return this;
        }

        public LabelingRequestBuilder inclusionProbability(double inclusionProbability) {
            this.inclusionProbability = inclusionProbability;
            return this;
        }

        public LabelingRequestBuilder prediction(Prediction prediction) {
            this.prediction = prediction;
            return this;
        }

        public LabelingRequestBuilder userCorrection(String userCorrection) {
            this.userCorrection = userCorrection;
            return this;
        }

        /** Requested and last updated at this time. */
        public LabelingRequestBuilder at(Instant at) {
            this.requestedAt = at;
            this.updatedAt = at;
            return this;
        }

        public LabelingRequestBuilder updatedAt(Instant updatedAt) {
            this.updatedAt = updatedAt;
            return this;
        }

        public LabelingRequest build() {
            Prediction p = prediction != null
                    ? prediction
                    : TestEvents.prediction(uploadId).build();
            return new LabelingRequest(
                    uploadId,
                    revision,
                    state,
                    reasons,
                    inclusionProbability,
                    p,
                    userCorrection,
                    requestedAt,
                    updatedAt);
        }
    }

    /** Annotator "7" chose {@code Rice} in task 1 (annotation 1), created at {@link #AT}. */
    public static final class AnnotationBuilder {
        private final String uploadId;
        private long taskId = 1;
        private long annotationId = 1;
        private String label = "Rice";
        private String annotatorId = "7";
        private Double leadTimeSeconds = 3.0;
        private AnnotationAction action = AnnotationAction.CREATED;
        private Instant updatedAt = AT;
        private Instant at = AT;

        private AnnotationBuilder(String uploadId) {
            this.uploadId = uploadId;
        }

        public AnnotationBuilder taskId(long taskId) {
            this.taskId = taskId;
            return this;
        }

        public AnnotationBuilder annotationId(long annotationId) {
            this.annotationId = annotationId;
            return this;
        }

        public AnnotationBuilder label(String label) {
            this.label = label;
            return this;
        }

        public AnnotationBuilder annotatorId(String annotatorId) {
            this.annotatorId = annotatorId;
            return this;
        }

        public AnnotationBuilder leadTimeSeconds(Double leadTimeSeconds) {
            this.leadTimeSeconds = leadTimeSeconds;
            return this;
        }

        public AnnotationBuilder action(AnnotationAction action) {
            this.action = action;
            return this;
        }

        /** Updated in Label Studio, and published, at this time. */
        public AnnotationBuilder updatedAt(Instant updatedAt) {
            this.updatedAt = updatedAt;
            this.at = updatedAt;
            return this;
        }

        public AnnotationBuilder at(Instant at) {
            this.at = at;
            return this;
        }

        public Annotation build() {
            return new Annotation(
                    uploadId, taskId, annotationId, label, annotatorId, leadTimeSeconds, action, updatedAt, at);
        }
    }

    public static final class LabelingReceiptBuilder {
        private final String uploadId;
        private long projectId = 3;
        private long taskId = 17;
        private int revision = 1;
        private ObjectRef object;
        private Instant at = AT;

        private LabelingReceiptBuilder(String uploadId) {
            this.uploadId = uploadId;
            this.object = objectOf(uploadId);
        }

        public LabelingReceiptBuilder projectId(long projectId) {
            this.projectId = projectId;
            return this;
        }

        public LabelingReceiptBuilder taskId(long taskId) {
            this.taskId = taskId;
            return this;
        }

        public LabelingReceiptBuilder revision(int revision) {
            this.revision = revision;
            return this;
        }

        public LabelingReceiptBuilder object(ObjectRef object) {
            this.object = object;
            return this;
        }

        public LabelingReceipt build() {
            return new LabelingReceipt(uploadId, projectId, taskId, revision, object, at);
        }
    }

    /** Accuracy of {@link #MODEL} fell below 0.6 (upper bound 0.55) in the hour starting at 10:00. */
    public static final class RetrainSignalBuilder {
        private ModelRef model = MODEL;
        private RetrainSignal.Reason reason = RetrainSignal.Reason.ACCURACY_BELOW_THRESHOLD;
        private Instant windowStart = Instant.parse("2026-11-23T10:00:00Z");
        private Double upperBound = 0.55;
        private Double threshold = 0.6;
        private Long newLabels;
        private Instant at = AT;

        private RetrainSignalBuilder() {}

        public RetrainSignalBuilder model(ModelRef model) {
            this.model = model;
            return this;
        }

        /** Enough new labels accumulated: no window, bound or threshold. */
        public RetrainSignalBuilder labelsAccumulated(long newLabels) {
            this.reason = RetrainSignal.Reason.LABELS_ACCUMULATED;
            this.windowStart = null;
            this.upperBound = null;
            this.threshold = null;
            this.newLabels = newLabels;
            return this;
        }

        public RetrainSignal build() {
            return new RetrainSignal(
                    RetrainSignal.SCHEMA_VERSION, model, reason, windowStart, upperBound, threshold, newLabels, at);
        }
    }

    /** An hourly window of {@link #MODEL} with one correct random-sample label. */
    public static final class AccuracyWindowBuilder {
        private WindowType windowType = WindowType.TUMBLING;
        private Instant windowStart = Instant.parse("2026-11-23T10:00:00Z");
        private Duration size = Duration.ofHours(1);
        private ModelRef model = MODEL;
        private long labelled = 1;
        private long correct = 1;
        private AccuracyWindow.Rate userReliability = new AccuracyWindow.Rate(0, 0, null);

        private AccuracyWindowBuilder() {}

        public AccuracyWindowBuilder windowType(WindowType windowType) {
            this.windowType = windowType;
            return this;
        }

        public AccuracyWindowBuilder window(Instant start, Duration size) {
            this.windowStart = start;
            this.size = size;
            return this;
        }

        public AccuracyWindowBuilder model(ModelRef model) {
            this.model = model;
            return this;
        }

        public AccuracyWindowBuilder counts(long labelled, long correct) {
            this.labelled = labelled;
            this.correct = correct;
            return this;
        }

        /** Confirmed predictions the annotator found right; null as in records written before the field existed. */
        public AccuracyWindowBuilder userReliability(AccuracyWindow.Rate userReliability) {
            this.userReliability = userReliability;
            return this;
        }

        public AccuracyWindow build() {
            AccuracyWindow.Tally tally = new AccuracyWindow.Tally(labelled, correct);
            Double accuracy = labelled == 0 ? null : (double) correct / labelled;
            AccuracyWindow.Estimate estimate = new AccuracyWindow.Estimate(accuracy, accuracy, accuracy, labelled);
            return new AccuracyWindow(
                    AccuracyWindow.SCHEMA_VERSION,
                    windowType,
                    windowStart,
                    windowStart.plus(size),
                    model,
                    labelled,
                    correct,
                    Map.of(ReviewReason.RANDOM.wireName(), tally),
                    Map.of("Soup", tally),
                    Map.of("Soup", tally),
                    Map.of("Soup", Map.of("Soup", correct)),
                    estimate,
                    estimate,
                    accuracy,
                    new AccuracyWindow.Rate(0, 0, null),
                    new AccuracyWindow.Rate(0, 0, null),
                    AT,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    userReliability,
                    null,
                    null);
        }
    }

    /** inference-processor could not read a two-byte value on uploads-1@7. */
    public static final class DeadLetterBuilder {
        private final String key;
        private String stage = "inference-processor";
        private String sourceTopic = "uploads";
        private String valueBase64 = "/wA=";
        private Long valueBytes = 2L;
        private String valueSha256 = "7a2e1e3fbc5a0ab1c4bc4b0f5ee0ad8e2cc4f4d6eebc0b0f0c7e8a1b6b0e6e61";
        private Map<String, String> headers = Map.of();
        private String errorClass = IllegalArgumentException.class.getName();
        private String errorMessage = "not an image";

        private DeadLetterBuilder(String key) {
            this.key = key;
        }

        public DeadLetterBuilder stage(String stage) {
            this.stage = stage;
            return this;
        }

        public DeadLetterBuilder sourceTopic(String sourceTopic) {
            this.sourceTopic = sourceTopic;
            return this;
        }

        public DeadLetterBuilder headers(Map<String, String> headers) {
            this.headers = headers;
            return this;
        }

        public DeadLetterBuilder error(Throwable error) {
            this.errorClass = error.getClass().getName();
            this.errorMessage = error.getMessage();
            return this;
        }

        public DeadLetter build() {
            return new DeadLetter(
                    DeadLetter.SCHEMA_VERSION,
                    stage,
                    sourceTopic,
                    1,
                    7,
                    key,
                    valueBase64,
                    valueBytes,
                    valueSha256,
                    false,
                    headers,
                    errorClass,
                    errorMessage,
                    AT);
        }
    }
}
