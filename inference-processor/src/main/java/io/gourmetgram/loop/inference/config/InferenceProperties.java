package io.gourmetgram.loop.inference.config;

import io.gourmetgram.loop.support.s3.S3Settings;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the inference processor ({@code gourmetgram.inference.*}, mostly from environment
 * variables; see README.md).
 *
 * @param modelDir        directory holding model.onnx and model.json; empty = the built-in demo model
 * @param maxBatch        most uploads scored in one session run (= max.poll.records)
 * @param topK            how many labels each prediction lists
 * @param decodeThreads   threads fetching and decoding images in parallel
 * @param onnxThreads     ONNX Runtime's intra-op threads; 0 = {@link #effectiveOnnxThreads the cores the decode threads leave}
 * @param transactionalId unique per process by default (host name + a random UUID; INSTANCE_ID pins it).
 *                        Exactly-once v2 fences a zombie by its consumer group generation (offsets are
 *                        committed with {@code consumer.groupMetadata()}), so instances need distinct ids,
 *                        not stable ones; a stable INSTANCE_ID only lets a restart abort its predecessor's
 *                        open transaction at once instead of after {@code transaction.timeout.ms}.
 * @param retryBackoff    wait after a transient failure (S3 or Kafka) before retrying the batch
 * @param maxRecordAttempts tries of one photo the object store fails to serve while it answers, before it is dead-lettered
 * @param stallTimeout    health is DOWN when nothing was committed for this long while uploads waited
 * @param commitGiveUp    a commit still timing out after this long closes the producer for a fresh one
 */
@Validated
@ConfigurationProperties("gourmetgram.inference")
public record InferenceProperties(
        Path modelDir,

        @Min(value = 1, message = "max-batch (INFERENCE_MAX_BATCH) must be at least 1")
        @Max(value = 1024, message = "max-batch (INFERENCE_MAX_BATCH) above 1024 would hold too many images in memory")
        int maxBatch,

        @Min(value = 1, message = "top-k must be at least 1")
        int topK,

        @Min(value = 1, message = "decode-threads must be at least 1")
        int decodeThreads,

        @Min(
                value = 0,
                message =
                        "onnx-threads (INFERENCE_ONNX_THREADS) must be 0 (the cores the decode threads leave) or more")
        int onnxThreads,

        @NotBlank(
                message =
                        "transactional-id must be set (defaults to the host name and a random UUID; INSTANCE_ID pins it)")
        String transactionalId,

        @NotNull Duration pollTimeout,
        @NotNull Duration retryBackoff,

        @Min(value = 1, message = "max-record-attempts (INFERENCE_MAX_RECORD_ATTEMPTS) must be at least 1")
        int maxRecordAttempts,

        @NotNull(message = "stall-timeout (INFERENCE_STALL_TIMEOUT) must be set, e.g. 2m")
        Duration stallTimeout,

        @NotNull(message = "commit-give-up (INFERENCE_COMMIT_GIVE_UP) must be set, e.g. 2m")
        Duration commitGiveUp,

        @Valid @NotNull S3Settings s3) {

    /**
     * ONNX Runtime's intra-op threads: as configured, or (0) the cores the decode threads leave, at least one. The
     * decode threads are busy while the model runs (they prepare the next batch), so more model threads than the
     * cores left only share them: on 2 cores a second model thread cost 0.6 CPU ms per image for nothing
     * (README, Throughput).
     */
    public int effectiveOnnxThreads(int cores) {
        return onnxThreads > 0 ? onnxThreads : Math.max(1, cores - decodeThreads);
    }
}
