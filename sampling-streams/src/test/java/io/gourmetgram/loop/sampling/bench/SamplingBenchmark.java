package io.gourmetgram.loop.sampling.bench;

import io.gourmetgram.loop.events.Prediction;
import io.gourmetgram.loop.events.ReviewReason;
import io.gourmetgram.loop.events.testing.TestEvents;
import io.gourmetgram.loop.events.topics.Topics;
import io.gourmetgram.loop.sampling.app.SamplingStreams;
import io.gourmetgram.loop.sampling.budget.AnnotatorBudget;
import io.gourmetgram.loop.sampling.rules.LowConfidenceRule;
import io.gourmetgram.loop.sampling.rules.RandomSampleRule;
import io.gourmetgram.loop.sampling.topology.LabelingRequestTopology;
import io.gourmetgram.loop.sampling.topology.SamplingSettings;
import io.gourmetgram.loop.support.bench.StreamsBenchmarkRun;
import io.gourmetgram.loop.support.streams.StreamsStage;
import io.gourmetgram.loop.support.streams.UploadKeyCheck;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Events/s of the labeling-request topology on a real (embedded, single-node KRaft) broker, run
 * exactly as the stage runs it ({@link StreamsStage#start}: exactly_once_v2, the shared Streams
 * settings, the stage's own tuning, the dead-letter policy): {@code predictions} is filled first,
 * then the app replays it from the start; the clock stops when its committed offsets reach the end.
 *
 * <p>The broker shares this JVM and the machine's cores with the app, so besides wall-clock events/s
 * it prints the CPU time of the app's own threads per event, which barely depends on other work on
 * the machine; the broker's threads and the JVM's own (JIT, GC) are split out. Before the measured replay
 * another application id replays the same records ({@code -Dgourmetgram.bench.warmup=N}, default all of
 * them), so the figures are a warm stage's. Arguments: events (default 300,000), stream threads (default 1). Any system property
 * {@code -Dstreams.<setting>=value} overrides a Streams setting (e.g. {@code -Dstreams.commit.interval.ms=1000}).
 * The broker, replay and CPU measurement are stage-support's {@link StreamsBenchmarkRun}. Not a test;
 * command in the README.
 */
public final class SamplingBenchmark {

    private static final String APP = "sampling-bench";

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 300_000;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        // Steady state, not the JIT's first seconds: as many records as measured, replayed first by another app id.
        long warmUp = Math.min(count, Long.getLong("gourmetgram.bench.warmup", count));
        try (StreamsBenchmarkRun run = StreamsBenchmarkRun.start(
                APP,
                List.of(Topics.PREDICTIONS, Topics.FEEDBACK, Topics.LABELING_REQUESTS, Topics.SAMPLING_DEAD_LETTER))) {
            fill(run, count);
            Properties tuning = SamplingStreams.tuning();
            tuning.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
            for (String topic : List.of(Topics.PREDICTIONS.name(), Topics.FEEDBACK.name())) {
                // as StreamsStageLifecycle reads them
                tuning.put(UploadKeyCheck.PARTITIONS + topic, StreamsBenchmarkRun.PARTITIONS);
            }
            System.getProperties().stringPropertyNames().stream()
                    .filter(name -> name.startsWith("streams."))
                    .forEach(name -> tuning.put(name.substring("streams.".length()), System.getProperty(name)));
            run.warmUp(
                    LabelingRequestTopology.build(settings(), new SimpleMeterRegistry()),
                    Topics.SAMPLING_DEAD_LETTER,
                    tuning,
                    List.of(Topics.PREDICTIONS),
                    warmUp);
            long requestsBefore = run.countRecords(Topics.LABELING_REQUESTS.name());
            String loadBefore = StreamsBenchmarkRun.loadAverage();
            StreamsBenchmarkRun.Measurement m = run.replay(
                    LabelingRequestTopology.build(settings(), new SimpleMeterRegistry()),
                    Topics.SAMPLING_DEAD_LETTER,
                    tuning,
                    List.of(Topics.PREDICTIONS),
                    count);
            long requests = run.countRecords(Topics.LABELING_REQUESTS.name()) - requestsBefore;
            System.out.printf(
                    "%d predictions in %.1f s = %.0f events/s (exactly_once_v2, 3 partitions, %d stream thread(s), "
                            + "commit.interval.ms=%s, after a warm-up of %d); %d labeling requests%n",
                    count,
                    m.seconds(),
                    m.eventsPerSecond(),
                    threads,
                    tuning.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG),
                    warmUp,
                    requests);
            System.out.printf(
                    "CPU: the app's threads %.1f µs/event (= %.0f events/s per core; stream threads %.1f, their clients' "
                            + "I/O threads %.1f); %s%n", // one line: ./bench keeps the last three lines
                    m.appCpuMicrosPerEvent(),
                    count / (m.appCpuNanos() / 1e9),
                    m.streamThreadsCpuNanos() / 1e3 / count,
                    m.otherAppThreadsCpuNanos() / 1e3 / count,
                    m.cpuSplit());
            System.out.printf("load average before: %s, after: %s%n", loadBefore, StreamsBenchmarkRun.loadAverage());
        }
    }

    private static void fill(StreamsBenchmarkRun run, int count) {
        Random random = new Random(7);
        Instant t0 = Instant.parse("2026-11-30T12:00:00Z");
        try (KafkaProducer<String, byte[]> producer = run.producer()) {
            for (int i = 0; i < count; i++) {
                String id = "upload-" + i;
                double confidence = 0.3 + 0.7 * random.nextDouble();
                Instant at = t0.plusMillis(i);
                Prediction p = TestEvents.prediction(id)
                        .confidence(confidence)
                        .scoredAt(at)
                        .build();
                StreamsBenchmarkRun.send(producer, Topics.PREDICTIONS, at.toEpochMilli(), id, p);
            }
        }
    }

    /** Caps high enough that the budget never binds: every selected upload is decided the same way. */
    private static SamplingSettings settings() {
        return new SamplingSettings(
                new RandomSampleRule(0.05),
                new LowConfidenceRule(0.7, 0),
                new AnnotatorBudget(Map.of(
                        ReviewReason.RANDOM,
                        1_000_000,
                        ReviewReason.LOW_CONFIDENCE,
                        1_000_000,
                        ReviewReason.FLAGGED,
                        1_000_000,
                        ReviewReason.CORRECTED,
                        1_000_000)),
                Duration.ofHours(1),
                Duration.ofMinutes(1),
                10);
    }
}
