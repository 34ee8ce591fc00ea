package io.gourmetgram.loop.sampling.app;

import java.time.Duration;
import io.gourmetgram.loop.support.streams.StreamsStage;
import io.gourmetgram.loop.events.topics.Topics;
import io.gourmetgram.loop.sampling.config.SamplingProperties;
import io.gourmetgram.loop.sampling.topology.LabelingRequestTopology;
import io.gourmetgram.loop.support.streams.StreamsStageLifecycle;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.streams.Topology;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.stereotype.Component;

/** Runs the labeling-request topology with the application; health follows its stream threads. */
@Component
public class SamplingStreams extends StreamsStageLifecycle {

    static final String STAGE = "sampling-streams";

    private final SamplingProperties properties;
    private final MeterRegistry registry;

    public SamplingStreams(SamplingProperties properties, KafkaProperties kafka, MeterRegistry registry) {
        super(new Definition(STAGE, properties.stateDir(), Topics.SAMPLING_DEAD_LETTER,
                List.of(Topics.PREDICTIONS, Topics.FEEDBACK, Topics.LABELING_REQUESTS, Topics.SAMPLING_DEAD_LETTER),
                tuning(), properties.stallTimeout()), kafka, registry);
        this.properties = properties;
        this.registry = registry;
    }

    /** Labeling requests should reach annotators within a fraction of a second. */
    public static Properties tuning() {
        return StreamsStage.committingEvery(Duration.ofMillis(200));
    }

    @Override
    protected Topology topology() {
        return LabelingRequestTopology.build(properties.settings(), registry);
    }
}
