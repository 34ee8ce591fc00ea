package io.gourmetgram.loop.ingest.storage;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Where photos are stored (S3 protocol: MinIO, S3Proxy, AWS). Set by S3_ENDPOINT, S3_ACCESS_KEY,
 * S3_SECRET_KEY and S3_BUCKET (see application.yml); credentials have no default on purpose.
 *
 * @param timeout how long one S3 call may take before the upload is refused with 503
 */
@Validated
@ConfigurationProperties("ingest.s3")
public record ObjectStoreProperties(
        @NotBlank(message = "is not set: give the S3 endpoint URL in S3_ENDPOINT, e.g. http://localhost:9000")
        String endpoint,
        @NotBlank(message = "is not set: give the S3 access key in S3_ACCESS_KEY (there is no default outside the local stack)")
        String accessKey,
        @NotBlank(message = "is not set: give the S3 secret key in S3_SECRET_KEY (there is no default outside the local stack)")
        @Size(min = MIN_SECRET_LENGTH, message = "is too short: S3_SECRET_KEY must be at least 8 characters (MinIO refuses shorter ones)")
        String secretKey,
        @NotNull
        @Pattern(regexp = "[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]",
                message = "is not a valid S3 bucket name (3-63 lower-case letters, digits, dots and hyphens); set S3_BUCKET")
        String bucket,
        @DefaultValue("10s") @NotNull Duration timeout) {

    /** MinIO's own minimum for a secret key. */
    public static final int MIN_SECRET_LENGTH = 8;
}
