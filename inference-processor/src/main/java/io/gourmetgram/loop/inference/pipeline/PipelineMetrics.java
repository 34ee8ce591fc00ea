package io.gourmetgram.loop.inference.pipeline;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/** The loop's meters, {@code gourmetgram.inference.*}. */
final class PipelineMetrics {

    private final MeterRegistry registry;
    final Counter predictions;
    final Counter retries;
    final Counter producerReplacements;
    private final DistributionSummary batchSize;
    private final Timer modelRun;
    private final Timer batchTotal;

    PipelineMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.predictions = Counter.builder("gourmetgram.inference.predictions")
                .description("Predictions written").register(registry);
        this.retries = Counter.builder("gourmetgram.inference.batch.retries")
                .description("Batches aborted by a transient failure and retried").register(registry);
        this.producerReplacements = Counter.builder("gourmetgram.inference.producer.replacements")
                .description("Kafka producers closed and opened afresh after a failed abort or a commit that kept timing out")
                .register(registry);
        this.batchSize = DistributionSummary.builder("gourmetgram.inference.batch.size")
                .description("Images scored per model run").publishPercentileHistogram().register(registry);
        this.modelRun = Timer.builder("gourmetgram.inference.model.run")
                .description("ONNX Runtime session run per batch").publishPercentileHistogram().register(registry);
        this.batchTotal = Timer.builder("gourmetgram.inference.batch.duration")
                .description("From poll to scored (fetch + decode + preprocess + model run) per batch").register(registry);
    }

    void batch(int size, long runNanos, long totalNanos) {
        batchSize.record(size);
        modelRun.record(Duration.ofNanos(runNanos));
        batchTotal.record(Duration.ofNanos(totalNanos));
    }

    void deadLetter(Throwable reason) {
        Counter.builder("gourmetgram.inference.dead.letters").tag("reason", reason.getClass().getSimpleName())
                .description("Uploads that could not be scored, written to the dead-letter topic")
                .register(registry).increment();
    }
}
