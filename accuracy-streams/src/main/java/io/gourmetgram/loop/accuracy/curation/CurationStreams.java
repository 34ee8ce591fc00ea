package io.gourmetgram.loop.accuracy.curation;

import io.gourmetgram.loop.events.topics.Topics;
import io.gourmetgram.loop.support.labels.ModelLabels;
import io.gourmetgram.loop.support.streams.StreamsStage;
import io.gourmetgram.loop.support.streams.StreamsStageLifecycle;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.streams.Topology;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.stereotype.Component;

/** Runs the curation topology beside the accuracy one, under its own application id. */
@Component
public class CurationStreams extends StreamsStageLifecycle {

    public static final String APPLICATION_ID = "accuracy-streams-curation";

    private final CurationProperties properties;
    private DatasetStore store;

    public CurationStreams(CurationProperties properties, KafkaProperties kafka) {
        super(
                new Definition(
                        APPLICATION_ID,
                        properties.stateDir(),
                        Topics.ACCURACY_DEAD_LETTER,
                        List.of(
                                Topics.PREDICTIONS,
                                Topics.LABELING_REQUESTS,
                                Topics.ANNOTATIONS,
                                Topics.ACCURACY_DEAD_LETTER),
                        tuning(),
                        properties.stallTimeout()),
                kafka,
                null);
        this.properties = properties;
    }

    /**
     * Commits once a second rather than Streams' exactly-once default of ten times: copies are idempotent
     * and nobody waits on the retraining sets, so fewer transactions cost the stage and the broker less.
     */
    static Properties tuning() {
        return StreamsStage.committingEvery(Duration.ofSeconds(1));
    }

    @Override
    protected void prepare() {
        store = new DatasetStore(properties.s3().newClient());
        try {
            store.ensureBuckets();
        } catch (Exception e) {
            throw new IllegalStateException(
                    "Could not create the dataset buckets at " + properties.s3().endpoint() + ": " + e.getMessage(), e);
        }
    }

    @Override
    protected Topology topology() {
        return CurationTopology.build(
                store, ModelLabels.configured(properties.labelsFile()).labels(), properties.confidentAbove(), true);
    }
}
