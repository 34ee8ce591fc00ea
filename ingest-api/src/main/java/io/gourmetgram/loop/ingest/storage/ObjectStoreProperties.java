package io.gourmetgram.loop.ingest.storage;

import io.gourmetgram.loop.support.s3.S3Settings;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Where photos are stored: {@code gourmetgram.ingest.s3.*}, set by S3_ENDPOINT, S3_ACCESS_KEY,
 * S3_SECRET_KEY, S3_BUCKET and INGEST_S3_TIMEOUT (see application.yml). The timeout bounds each S3
 * call, beyond which the upload is refused with 503.
 */
@Validated
@ConfigurationProperties("gourmetgram.ingest")
public record ObjectStoreProperties(@Valid @NotNull S3Settings s3) {}
