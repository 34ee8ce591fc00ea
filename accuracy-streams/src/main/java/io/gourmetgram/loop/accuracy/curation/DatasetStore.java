package io.gourmetgram.loop.accuracy.curation;

import io.gourmetgram.loop.events.ObjectRef;
import io.gourmetgram.loop.support.s3.Buckets;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.minio.CopyObjectArgs;
import io.minio.CopySource;
import io.minio.MinioClient;
import io.minio.RemoveObjectArgs;
import io.minio.errors.ErrorResponseException;
import io.minio.errors.InvalidResponseException;
import io.minio.errors.ServerException;
import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import org.apache.kafka.streams.errors.TaskMigratedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The retraining sets in the object store: {@code production-clean} (human labels only) and
 * {@code production-noisy} (human labels, plus confident unreviewed predictions), each laid out
 * {@code class_XX/<uploadId>.<ext>}. Copies are server-side and idempotent: same source, same key.
 *
 * <p>A transient S3 failure (the store unreachable, timing out, answering 5xx or throttling, or
 * refusing credentials for a while) is retried in place, with back-off, until the store answers:
 * dead-lettering it would leave a retraining set silently missing a label or keeping a photo under
 * its old class. Only an answer that can never change (e.g. the source photo does not exist) fails
 * the record, which the stage's error policy dead-letters.
 */
public final class DatasetStore {

    public static final String CLEAN = "production-clean";
    public static final String NOISY = "production-noisy";

    private static final Logger log = LoggerFactory.getLogger(DatasetStore.class);
    private static final Duration FIRST_WAIT = Duration.ofMillis(200);
    private static final Duration LONGEST_WAIT = Duration.ofSeconds(5);
    private static final Duration LOG_EVERY = Duration.ofSeconds(30);
    /** S3 error codes that a later call may not get (throttling, timeouts, credentials being rotated). */
    private static final Set<String> PASSING_CODES = Set.of(
            "SlowDown",
            "RequestTimeout",
            "ServiceUnavailable",
            "InternalError",
            "AccessDenied",
            "InvalidAccessKeyId",
            "SignatureDoesNotMatch",
            "ExpiredToken");

    private final MinioClient s3;
    private final Counter retries;

    public DatasetStore(MinioClient s3) {
        this.s3 = s3;
        // The global registry: Spring Boot adds the application's registries to it.
        this.retries = Counter.builder("gourmetgram.curation.s3.retries")
                .description("S3 calls of dataset curation retried after a transient failure")
                .register(Metrics.globalRegistry);
    }

    public void ensureBuckets() throws Exception {
        for (String bucket : new String[] {CLEAN, NOISY}) {
            Buckets.ensure(s3, bucket);
        }
    }

    static String key(int classIndex, ObjectRef source, String uploadId) {
        String ext = source.extension();
        return String.format("class_%02d/%s%s", classIndex, uploadId, ext.isEmpty() ? "" : "." + ext);
    }

    void copy(ObjectRef source, String bucket, String key) {
        untilAnswered(
                "copy s3://" + source.bucket() + "/" + source.key() + " to s3://" + bucket + "/" + key,
                () -> s3.copyObject(CopyObjectArgs.builder()
                        .bucket(bucket)
                        .object(key)
                        .source(CopySource.builder()
                                .bucket(source.bucket())
                                .object(source.key())
                                .build())
                        .build()));
    }

    void remove(String bucket, String key) {
        untilAnswered(
                "remove s3://" + bucket + "/" + key,
                () -> s3.removeObject(
                        RemoveObjectArgs.builder().bucket(bucket).object(key).build()));
    }

    private interface S3Call {
        void run() throws Exception;
    }

    private void untilAnswered(String what, S3Call call) {
        Duration wait = FIRST_WAIT;
        long firstFailure = 0;
        long lastLog = 0;
        int attempts = 0;
        while (true) {
            try {
                call.run();
                if (attempts > 0) {
                    log.info("Dataset curation: {} succeeded after {} retries", what, attempts);
                }
                return;
            } catch (Exception e) {
                if (!isTransient(e)) {
                    throw new IllegalStateException("Could not " + what + ": " + e.getMessage(), e);
                }
                long now = System.nanoTime();
                if (attempts == 0) {
                    firstFailure = now;
                }
                if (attempts == 0 || now - lastLog >= LOG_EVERY.toNanos()) {
                    lastLog = now;
                    log.warn(
                            "Dataset curation cannot {} ({}; failing for {} s); retrying until the store answers",
                            what,
                            e.toString(),
                            Duration.ofNanos(now - firstFailure).toSeconds());
                }
                attempts++;
                retries.increment();
                pause(wait);
                wait = wait.multipliedBy(2).compareTo(LONGEST_WAIT) > 0 ? LONGEST_WAIT : wait.multipliedBy(2);
            }
        }
    }

    private static void pause(Duration wait) {
        try {
            Thread.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            // Not a dead letter: the task is revived and the record processed again from its offset.
            throw new TaskMigratedException("Interrupted while waiting for the S3 store", e);
        }
    }

    /** Whether a later call may succeed: I/O trouble, 5xx, unreadable answers (a proxy's error page), throttling. */
    static boolean isTransient(Exception e) {
        return switch (e) {
            case ErrorResponseException r ->
                r.response() != null && r.response().code() >= 500
                        || PASSING_CODES.contains(r.errorResponse().code());
            case IOException io -> true;
            case ServerException server -> true;
            case InvalidResponseException invalid -> true;
            default -> false;
        };
    }
}
