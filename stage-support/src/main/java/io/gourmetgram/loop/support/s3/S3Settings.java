package io.gourmetgram.loop.support.s3;

import io.minio.MinioAsyncClient;
import io.minio.MinioClient;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Duration;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where a stage's S3 store is (MinIO, S3Proxy, AWS), bound under {@code gourmetgram.<stage>.s3} from
 * the shared variables S3_ENDPOINT, S3_ACCESS_KEY, S3_SECRET_KEY and S3_BUCKET. Credentials have no
 * default on purpose: a missing one stops startup with a message naming the variable.
 *
 * @param bucket  the photo bucket (stages that only follow {@code ObjectRef}s ignore it)
 * @param timeout bound of one S3 call (connect, write, read); the MinIO client's own defaults are
 *                minutes, which would hold a request or a batch that long when the store hangs
 * @param region  S3_REGION; known in advance, the client never asks the endpoint for it, so a stage can presign
 *                URLs for an endpoint only browsers reach (labeling-sink in docker-compose)
 */
public record S3Settings(
        @NotBlank(message = "is not set: give the S3 endpoint URL in S3_ENDPOINT, e.g. http://localhost:9000")
        String endpoint,

        @NotBlank(
                message =
                        "is not set: give the S3 access key in S3_ACCESS_KEY (there is no default outside the local stack)")
        String accessKey,

        @NotBlank(
                message =
                        "is not set: give the S3 secret key in S3_SECRET_KEY (there is no default outside the local stack)")
        @Size(
                min = MIN_SECRET_LENGTH,
                message = "is too short: S3_SECRET_KEY must be at least 8 characters (MinIO refuses shorter ones)")
        String secretKey,

        @DefaultValue("production")
        @Pattern(
                regexp = "[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]",
                message =
                        "is not a valid S3 bucket name (3-63 lower-case letters, digits, dots and hyphens); set S3_BUCKET")
        String bucket,

        @DefaultValue("10s") @NotNull Duration timeout,

        @DefaultValue("us-east-1") @NotBlank(message = "is empty: set S3_REGION (us-east-1 for MinIO)")
        String region) {

    /** MinIO's own minimum length of a secret key. */
    public static final int MIN_SECRET_LENGTH = 8;

    /** A MinIO client for this store whose every call is bounded by {@link #timeout()}. */
    public MinioClient newClient() {
        MinioClient client = MinioClient.builder()
                .endpoint(endpoint)
                .region(region)
                .credentials(accessKey, secretKey)
                .build();
        long millis = timeout.toMillis();
        client.setTimeout(millis, millis, millis);
        return client;
    }

    /** The asynchronous client, configured and bounded like {@link #newClient()}. */
    public MinioAsyncClient newAsyncClient() {
        MinioAsyncClient client = MinioAsyncClient.builder()
                .endpoint(endpoint)
                .region(region)
                .credentials(accessKey, secretKey)
                .build();
        long millis = timeout.toMillis();
        client.setTimeout(millis, millis, millis);
        return client;
    }
}
