package io.gourmetgram.loop.sampling.app;

import io.gourmetgram.loop.events.ReviewReason;
import io.gourmetgram.loop.events.topics.Topics;
import io.gourmetgram.loop.sampling.config.SamplingProperties;
import io.gourmetgram.loop.sampling.topology.LabelingRequestTopology;
import io.gourmetgram.loop.sampling.topology.SamplingSettings;
import io.gourmetgram.loop.support.streams.StreamsStage;
import io.gourmetgram.loop.support.streams.StreamsStageLifecycle;
import io.gourmetgram.loop.support.topics.TopicProvisioner;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.streams.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.stereotype.Component;

/** Runs the labeling-request topology with the application; health follows its stream threads. */
@Component
public class SamplingStreams extends StreamsStageLifecycle {

    static final String STAGE = "sampling-streams";

    private static final Logger log = LoggerFactory.getLogger(SamplingStreams.class);

    private final SamplingProperties properties;
    private final KafkaProperties kafka;
    private final MeterRegistry registry;
    private final AtomicInteger budgetPartitions = new AtomicInteger();

    public SamplingStreams(SamplingProperties properties, KafkaProperties kafka, MeterRegistry registry) {
        super(
                new Definition(
                        STAGE,
                        properties.stateDir(),
                        Topics.SAMPLING_DEAD_LETTER,
                        List.of(
                                Topics.PREDICTIONS,
                                Topics.FEEDBACK,
                                Topics.LABELING_REQUESTS,
                                Topics.SAMPLING_DEAD_LETTER),
                        tuning(),
                        properties.stallTimeout()),
                kafka,
                registry);
        this.properties = properties;
        this.kafka = kafka;
        this.registry = registry;
        Gauge.builder("gourmetgram.sampling.budget.partitions", budgetPartitions, AtomicInteger::get)
                .description("Input partitions the hourly caps are shared by (read at start-up)")
                .register(registry);
    }

    /** Labeling requests should reach annotators within a fraction of a second. */
    public static Properties tuning() {
        return StreamsStage.committingEvery(Duration.ofMillis(200));
    }

    @Override
    protected Topology topology() {
        // The real count, not the catalog's: a cluster created with KAFKA_TOPIC_PARTITIONS=12 has 12
        // tasks, and dividing by 3 would let them admit 4 × the hourly cap together.
        int partitions = TopicProvisioner.partitionCount(kafka.buildAdminProperties(), Topics.PREDICTIONS);
        SamplingSettings settings = properties.settings(partitions);
        budgetPartitions.set(partitions);
        log.info(
                "Hourly annotator caps shared by the {} partitions of {}: each task admits at most {} random, "
                        + "{} low-confidence, {} flagged, {} corrected per hour",
                partitions,
                Topics.PREDICTIONS,
                settings.budget().taskCapFor(ReviewReason.RANDOM),
                settings.budget().taskCapFor(ReviewReason.LOW_CONFIDENCE),
                settings.budget().taskCapFor(ReviewReason.FLAGGED),
                settings.budget().taskCapFor(ReviewReason.CORRECTED));
        return LabelingRequestTopology.build(settings, registry);
    }
}
