package io.gourmetgram.loop.inference.pipeline;

import io.gourmetgram.loop.events.Prediction;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/** The loop's meters, {@code gourmetgram.inference.*}. */
final class PipelineMetrics {

    private final MeterRegistry registry;
    private final DistributionSummary confidence;
    final Counter retries;
    final Counter producerReplacements;
    private final DistributionSummary batchSize;
    private final Timer modelRun;
    private final Timer batchTotal;

    PipelineMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.confidence = DistributionSummary.builder("gourmetgram.inference.confidence")
                .description("Top-1 softmax confidence of each prediction written")
                .serviceLevelObjectives(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 1.0)
                .register(registry);
        this.retries = Counter.builder("gourmetgram.inference.batch.retries")
                .description("Batches aborted by a transient failure and retried")
                .register(registry);
        this.producerReplacements = Counter.builder("gourmetgram.inference.producer.replacements")
                .description(
                        "Kafka producers closed and opened afresh after a failed abort or a commit that kept timing out")
                .register(registry);
        this.batchSize = DistributionSummary.builder("gourmetgram.inference.batch.size")
                .description("Images scored per model run")
                .publishPercentileHistogram()
                .register(registry);
        this.modelRun = Timer.builder("gourmetgram.inference.model.run")
                .description("ONNX Runtime session run per batch")
                .publishPercentileHistogram()
                .register(registry);
        this.batchTotal = Timer.builder("gourmetgram.inference.batch.duration")
                .description("From poll to scored (fetch + decode + preprocess + model run) per batch")
                .register(registry);
    }

    /** A committed prediction: the class mix (by label) and the confidence distribution. */
    void predicted(Prediction prediction) {
        Counter.builder("gourmetgram.inference.predictions")
                .tag("label", prediction.label())
                .description("Predictions written, by predicted label")
                .register(registry)
                .increment();
        confidence.record(prediction.confidence());
    }

    void batch(int size, long runNanos, long totalNanos) {
        batchSize.record(size);
        modelRun.record(Duration.ofNanos(runNanos));
        batchTotal.record(Duration.ofNanos(totalNanos));
    }

    void deadLetter(Throwable reason) {
        Counter.builder("gourmetgram.inference.dead.letters")
                .tag("reason", reason.getClass().getSimpleName())
                .description("Uploads that could not be scored, written to the dead-letter topic")
                .register(registry)
                .increment();
    }
}
