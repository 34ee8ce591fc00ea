package io.gourmetgram.loop.accuracy.topology;

import static io.gourmetgram.loop.accuracy.topology.AccuracyFixtures.annotation;
import static io.gourmetgram.loop.accuracy.topology.AccuracyFixtures.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.gourmetgram.loop.events.AccuracyWindow;
import io.gourmetgram.loop.events.AnnotationAction;
import io.gourmetgram.loop.events.LabelingRequest;
import io.gourmetgram.loop.events.Prediction;
import io.gourmetgram.loop.events.ReasonInclusion;
import io.gourmetgram.loop.events.ReviewReason;
import io.gourmetgram.loop.events.testing.EventSchemas;
import io.gourmetgram.loop.events.topics.Topics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the window knows of all predictions, and the production estimate and figures built on it. */
class ProductionEstimateTopologyTest {

    static final Instant HOUR = Instant.parse("2026-11-24T10:00:00Z");
    static final String KEY = "tumbling|" + HOUR + "|food11-demo:1";

    private TopologyTestDriver driver;
    private TestInputTopic<String, Prediction> predictions;
    private TestInputTopic<String, LabelingRequest> requests;
    private TestInputTopic<String, io.gourmetgram.loop.events.Annotation> annotations;
    private TestOutputTopic<String, AccuracyWindow> tumbling;

    @BeforeEach
    void start() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "accuracy-production-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        AccuracySettings settings = new AccuracySettings(Duration.ofHours(1), Duration.ofHours(24), Duration.ofHours(24),
                Duration.ofDays(2), false, 0.0, 1_000, 2);
        driver = new TopologyTestDriver(AccuracyTopology.build(settings, Clock.systemUTC()), props);
        predictions = driver.createInputTopic(Topics.PREDICTIONS.name(), new StringSerializer(),
                Topics.PREDICTIONS.valueSerde().serializer(), HOUR, Duration.ofSeconds(1));
        requests = driver.createInputTopic(Topics.LABELING_REQUESTS.name(), new StringSerializer(),
                Topics.LABELING_REQUESTS.valueSerde().serializer(), HOUR, Duration.ofSeconds(1));
        annotations = driver.createInputTopic(Topics.ANNOTATIONS.name(), new StringSerializer(),
                Topics.ANNOTATIONS.valueSerde().serializer(), HOUR, Duration.ofSeconds(1));
        tumbling = driver.createOutputTopic(Topics.ACCURACY_TUMBLING.name(), Serdes.String().deserializer(),
                Topics.ACCURACY_TUMBLING.valueSerde().deserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    @Test
    void everyPredictionCountsInItsStratumAndConfidenceBandLabelledOrNot() {
        predict("a", 0.95);
        predict("b", 0.6);
        predict("c", 0.92);
        requests.pipeInput("b", withConfidence(request("b", HOUR, "Rice", 1.0, null, ReviewReason.LOW_CONFIDENCE), 0.6));

        AccuracyWindow w = tumbling.readKeyValuesToMap().get(KEY);
        assertThat(w.predictions()).isEqualTo(3);
        assertThat(w.strata().get("low_confidence").predictions()).isEqualTo(1);
        assertThat(w.strata().get("low_confidence").requests()).isEqualTo(1);
        assertThat(w.strata().get("other").predictions()).isEqualTo(2);
        assertThat(w.strata().get("other").confidenceSum()).isCloseTo(1.87, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(w.byConfidenceBand()).containsOnlyKeys("0.50-0.70", "0.90-0.95", "0.95-1.00");
        assertThat(w.production().insufficient()).isTrue(); // nothing labelled yet
        assertThat(EventSchemas.violations(Topics.ACCURACY_TUMBLING.schemaResource(), w)).isEmpty();
    }

    @Test
    void aFlagArrivingAsALaterRevisionMovesTheUploadIntoTheFeedbackStratum() {
        predict("a", 0.97);
        predict("b", 0.93);
        LabelingRequest sampled = withConfidence(request("a", HOUR, "Rice", 0.02, null, ReviewReason.RANDOM), 0.97);
        requests.pipeInput("a", sampled);
        assertThat(tumbling.readKeyValuesToMap().get(KEY).strata().get("other").requests()).isEqualTo(1);

        List<ReasonInclusion> reasons = new ArrayList<>(sampled.reasons());
        reasons.add(new ReasonInclusion(ReviewReason.FLAGGED, 1.0));
        requests.pipeInput("a", new LabelingRequest("a", 2, sampled.state(), reasons, 1.0, sampled.prediction(), null,
                sampled.requestedAt(), sampled.updatedAt()));

        AccuracyWindow w = tumbling.readKeyValuesToMap().get(KEY);
        assertThat(w.strata().get("feedback").predictions()).isEqualTo(1);
        assertThat(w.strata().get("other").requests()).isZero();
        assertThat(w.strata().get("other").predictions()).isEqualTo(1);
    }

    @Test
    void whenEveryPredictionOfTheWindowIsLabelledTheProductionEstimateIsExact() {
        for (String id : List.of("a", "b")) {
            predict(id, 0.6);
            requests.pipeInput(id, withConfidence(request(id, HOUR, "Rice", 1.0, null, ReviewReason.LOW_CONFIDENCE), 0.6));
        }
        annotations.pipeInput("a", annotation("a", 1, "Rice", AnnotationAction.CREATED, HOUR));
        annotations.pipeInput("b", annotation("b", 2, "Soup", AnnotationAction.CREATED, HOUR));

        AccuracyWindow.Estimate production = tumbling.readKeyValuesToMap().get(KEY).production();
        assertThat(production).isEqualTo(new AccuracyWindow.Estimate(0.5, 0.5, 0.5, 2, false));
    }

    @Test
    void perReasonAndPerClassFiguresWithTooFewLabelsSaySoInsteadOfShowingANumber() {
        for (String id : List.of("a", "b", "c")) {
            predict(id, 0.6);
            requests.pipeInput(id, withConfidence(request(id, HOUR, id.equals("b") ? "Egg" : "Rice", 1.0, null,
                    ReviewReason.LOW_CONFIDENCE), 0.6));
            annotations.pipeInput(id, annotation(id, id.hashCode(), "Rice", AnnotationAction.CREATED, HOUR));
        }

        AccuracyWindow w = tumbling.readKeyValuesToMap().get(KEY); // at least 2 labels needed in this test
        assertThat(w.byReasonEstimate().get("low_confidence").insufficient()).isFalse();
        assertThat(w.byReasonEstimate().get("low_confidence").lower()).isLessThan(0.5);
        assertThat(w.byPredictedClassEstimate().get("Egg")).isEqualTo(AccuracyWindow.Estimate.insufficient(1));
        assertThat(w.byTrueClassEstimate().get("Rice").accuracy()).isCloseTo(2.0 / 3, org.assertj.core.api.Assertions.within(1e-9));
        // two labels that agree: right so far, but no certainty
        assertThat(w.byPredictedClassEstimate().get("Rice").accuracy()).isEqualTo(1.0);
        assertThat(w.byPredictedClassEstimate().get("Rice").lower()).isLessThan(0.5);
    }

    private void predict(String id, double confidence) {
        Prediction p = withConfidence(request(id, HOUR, "Rice", 1.0, null), confidence).prediction();
        predictions.pipeInput(id, p);
    }

    private static LabelingRequest withConfidence(LabelingRequest r, double confidence) {
        Prediction p = r.prediction();
        Prediction scored = new Prediction(p.uploadId(), p.object(), p.model(), p.label(), p.labelIndex(), confidence,
                p.topK(), p.inferenceMillis(), p.scoredAt());
        return new LabelingRequest(r.uploadId(), r.revision(), r.state(), r.reasons(), r.inclusionProbability(), scored,
                r.userCorrection(), r.requestedAt(), r.updatedAt());
    }
}
