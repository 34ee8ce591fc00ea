package io.gourmetgram.loop.accuracy.bench;

import io.gourmetgram.loop.accuracy.app.AccuracyStreams;
import io.gourmetgram.loop.accuracy.topology.AccuracySettings;
import io.gourmetgram.loop.accuracy.topology.AccuracyTopology;
import io.gourmetgram.loop.events.AccuracyWindow;
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
import io.gourmetgram.loop.support.streams.UploadKeyCheck;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;

/**
 * Events/s of the accuracy topology on a real (embedded, single-node KRaft) broker, with the
 * production Streams configuration ({@link StreamsStage#start}: exactly_once_v2, the stage's commit
 * interval, RocksDB state, the dead-letter policy). One day of traffic is written first (not measured)
 * — N predictions spread over 24 hours, a labeling request for the random 5 % and every prediction
 * below 0.7 confidence, and one annotation per request — then a warm-up replay under another
 * application id, then the measured replay from the start; it ends when the app has committed every
 * input and consumed its own repartition topics, and the published windows are checked to count every
 * prediction and label. CPU is split into the app's threads, the broker's (same JVM), the JIT, GC and
 * RocksDB ({@link NativeThreadCpu}). The broker, replay and CPU measurement are stage-support's
 * {@link StreamsBenchmarkRun}. Not a test; command in the README.
 */
public final class AccuracyBenchmark {

    private static final String APP = "accuracy-bench";
    private static final List<TopicSpec<?>> INPUTS =
            List.of(Topics.PREDICTIONS, Topics.LABELING_REQUESTS, Topics.ANNOTATIONS);

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        boolean warmUp = Boolean.parseBoolean(System.getProperty("gourmetgram.bench.warmup", "true"));
        try (StreamsBenchmarkRun run = StreamsBenchmarkRun.start(APP, AccuracyStreams.TOPICS);
                NativeThreadCpu nativeCpu = new NativeThreadCpu()) {
            long filling = System.nanoTime();
            long events = fill(run, count);
            System.out.printf(
                    "filled the inputs with %d records in %.1f s (not measured)%n",
                    events, (System.nanoTime() - filling) / 1e9);
            Properties tuning = tuning(threads);
            if (warmUp) {
                run.warmUp(topology(), Topics.ACCURACY_DEAD_LETTER, tuning, INPUTS, events);
            }
            String loadBefore = StreamsBenchmarkRun.loadAverage();
            nativeCpu.mark();
            StreamsBenchmarkRun.Measurement m =
                    run.replay(topology(), Topics.ACCURACY_DEAD_LETTER, tuning, INPUTS, events);
            Map<String, Long> natives = nativeCpu.sinceMark();
            System.out.printf(
                    "%d events (%d predictions + requests + annotations) in %.1f s = %.0f events/s; "
                            + "%.0f events/s once running (start %.1f s); repartition topics drained %.1f s later "
                            + "(exactly_once_v2, %d partitions, %d stream thread(s), %s)%n",
                    events,
                    count,
                    m.seconds(),
                    m.eventsPerSecond(),
                    events / (m.seconds() - m.startSeconds()),
                    m.startSeconds(),
                    m.drainSeconds(),
                    StreamsBenchmarkRun.PARTITIONS,
                    threads,
                    warmUp ? "after a warm-up replay" : "cold JVM");
            System.out.printf(
                    "CPU: the app's threads %.1f µs/event (= %.0f events/s per core; stream threads %.1f, their "
                            + "clients' I/O threads %.1f)%n",
                    m.appCpuMicrosPerEvent(),
                    events / (m.appCpuNanos() / 1e9),
                    m.streamThreadsCpuNanos() / 1e3 / events,
                    m.otherAppThreadsCpuNanos() / 1e3 / events);
            StringBuilder split = new StringBuilder("CPU: " + m.cpuSplit() + "; native threads (replay incl. close):");
            natives.forEach((group, nanos) -> split.append(String.format(" %s %.1f", group, nanos / 1e3 / events)));
            System.out.println(split);
            System.out.println(published(run, count, (events - count) / 2));
            System.out.printf("load average before: %s, after: %s%n", loadBefore, StreamsBenchmarkRun.loadAverage());
        }
    }

    private static Topology topology() {
        AccuracySettings settings = new AccuracySettings(
                Duration.ofHours(1),
                Duration.ofHours(24),
                Duration.ofHours(1),
                Duration.ofDays(7),
                true,
                0.6,
                500,
                AccuracySettings.DEFAULT_MIN_LABELS);
        return AccuracyTopology.build(settings, Clock.systemUTC());
    }

    /** The stage's tuning, {@code threads} stream threads, and any {@code -Dstreams.<setting>=value}. */
    private static Properties tuning(int threads) {
        Properties tuning = AccuracyStreams.tuning();
        tuning.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
        for (TopicSpec<?> topic : AccuracyStreams.TOPICS) {
            // as StreamsStageLifecycle reads them, so the partition check runs as in the stage
            tuning.put(UploadKeyCheck.PARTITIONS + topic.name(), StreamsBenchmarkRun.PARTITIONS);
        }
        System.getProperties().stringPropertyNames().stream()
                .filter(name -> name.startsWith("streams."))
                .forEach(name -> tuning.put(name.substring("streams.".length()), System.getProperty(name)));
        return tuning;
    }

    /**
     * What both replays published, as a check that a change kept the figures: predictions and labels
     * summed over the latest record of every tumbling window (each replay counts every prediction once).
     */
    private static String published(StreamsBenchmarkRun run, long predictionsSent, long annotationsSent) {
        Map<String, AccuracyWindow> latest = new HashMap<>();
        run.forEachRecord(Topics.ACCURACY_TUMBLING, latest::put);
        long predictions = latest.values().stream()
                .mapToLong(w -> w.predictions() == null ? 0 : w.predictions())
                .sum();
        long labelled =
                latest.values().stream().mapToLong(AccuracyWindow::labelled).sum();
        return String.format(
                "published: %d tumbling windows, %d predictions (%d sent), %d labelled (%d annotations sent)",
                latest.size(), predictions, predictionsSent, labelled, annotationsSent);
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
