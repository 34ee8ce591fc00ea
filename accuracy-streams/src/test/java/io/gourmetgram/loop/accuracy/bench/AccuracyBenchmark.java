package io.gourmetgram.loop.accuracy.bench;

import io.gourmetgram.loop.accuracy.app.AccuracyStreams;
import io.gourmetgram.loop.accuracy.topology.AccuracySettings;
import io.gourmetgram.loop.accuracy.topology.AccuracyTopology;
import io.gourmetgram.loop.events.AnnotationAction;
import io.gourmetgram.loop.events.LabelingRequest;
import io.gourmetgram.loop.events.Prediction;
import io.gourmetgram.loop.events.ReasonInclusion;
import io.gourmetgram.loop.events.ReviewReason;
import io.gourmetgram.loop.events.testing.TestEvents;
import io.gourmetgram.loop.events.topics.TopicSpec;
import io.gourmetgram.loop.events.topics.Topics;
import io.gourmetgram.loop.support.bench.StreamsBenchmarkRun;
import io.gourmetgram.loop.support.streams.StreamsStage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * Events/s of the accuracy topology on a real (embedded, single-node KRaft) broker, with the
 * production Streams configuration ({@link StreamsStage#start}: exactly_once_v2, the stage's commit
 * interval, RocksDB state, the dead-letter policy). One day of traffic is written first — N
 * predictions spread over 24 hours, a labeling request for the random 5 % and every prediction
 * below 0.7 confidence, and one annotation per request — then the app replays it from the start;
 * the clock stops when its committed offsets reach the end of every input topic. CPU is the time of
 * the app's own threads (the broker runs in the same JVM). The broker, replay and CPU measurement are
 * stage-support's {@link StreamsBenchmarkRun}. Not a test; command in the README.
 */
public final class AccuracyBenchmark {

    private static final String APP = "accuracy-bench";
    private static final List<TopicSpec<?>> INPUTS =
            List.of(Topics.PREDICTIONS, Topics.LABELING_REQUESTS, Topics.ANNOTATIONS);

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        try (StreamsBenchmarkRun run = StreamsBenchmarkRun.start(APP, AccuracyStreams.TOPICS)) {
            long events = fill(run, count);
            AccuracySettings settings = new AccuracySettings(
                    Duration.ofHours(1),
                    Duration.ofHours(24),
                    Duration.ofHours(1),
                    Duration.ofDays(7),
                    true,
                    0.6,
                    500,
                    AccuracySettings.DEFAULT_MIN_LABELS);
            StreamsBenchmarkRun.Measurement m = run.replay(
                    AccuracyTopology.build(settings, Clock.systemUTC()),
                    Topics.ACCURACY_DEAD_LETTER,
                    AccuracyStreams.tuning(),
                    INPUTS,
                    events);
            System.out.printf(
                    "%d events (%d predictions + requests + annotations) in %.1f s = %.0f events/s, "
                            + "%.1f CPU µs per event in the app's threads (exactly_once_v2, 3 partitions, 1 stream thread)%n",
                    events, count, m.seconds(), m.eventsPerSecond(), m.appCpuMicrosPerEvent());
        }
    }

    /** Writes a day of predictions, requests and annotations; returns how many records. */
    private static long fill(StreamsBenchmarkRun run, int count) {
        Random random = new Random(7);
        Instant day = Instant.now().minus(Duration.ofDays(1)).truncatedTo(ChronoUnit.HOURS);
        long spacing = Duration.ofDays(1).toMillis() / count;
        List<String> labels = List.of("Rice", "Soup", "Egg", "Bread", "Meat", "Seafood");
        long records = 0;
        List<LabelingRequest> requests = new ArrayList<>();
        try (KafkaProducer<String, byte[]> producer = run.producer()) {
            for (int i = 0; i < count; i++) {
                String id = "upload-" + i;
                // about a tenth below 0.7, as real classifiers give it
                double confidence =
                        random.nextDouble() < 0.1 ? 0.1 + 0.6 * random.nextDouble() : 0.7 + 0.3 * random.nextDouble();
                Prediction p = TestEvents.prediction(id)
                        .label(labels.get(random.nextInt(labels.size())))
                        .confidence(confidence)
                        .scoredAt(day.plusMillis(i * spacing))
                        .build();
                send(producer, Topics.PREDICTIONS, id, p);
                records++;
                boolean sampled = random.nextDouble() < 0.05;
                if (sampled || confidence < 0.7) {
                    List<ReasonInclusion> reasons = new ArrayList<>();
                    if (sampled) {
                        reasons.add(new ReasonInclusion(ReviewReason.RANDOM, 0.05));
                    }
                    if (confidence < 0.7) {
                        reasons.add(new ReasonInclusion(ReviewReason.LOW_CONFIDENCE, 1.0));
                    }
                    requests.add(TestEvents.labelingRequest(id)
                            .prediction(p)
                            .inclusions(reasons.toArray(ReasonInclusion[]::new))
                            .inclusionProbability(confidence < 0.7 ? 1.0 : 0.05)
                            .at(p.scoredAt())
                            .build());
                }
            }
            for (LabelingRequest r : requests) {
                send(producer, Topics.LABELING_REQUESTS, r.uploadId(), r);
            }
            long annotationId = 0;
            for (LabelingRequest r : requests) {
                String truth =
                        random.nextDouble() < 0.7 ? r.prediction().label() : labels.get(random.nextInt(labels.size()));
                send(
                        producer,
                        Topics.ANNOTATIONS,
                        r.uploadId(),
                        TestEvents.annotation(r.uploadId())
                                .annotationId(++annotationId)
                                .label(truth)
                                .action(AnnotationAction.CREATED)
                                .updatedAt(r.prediction().scoredAt().plusSeconds(600))
                                .build());
            }
        }
        return records + 2L * requests.size();
    }

    private static <V> void send(KafkaProducer<String, byte[]> producer, TopicSpec<V> topic, String key, V value) {
        StreamsBenchmarkRun.send(producer, topic, null, key, value);
    }
}
