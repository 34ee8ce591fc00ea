package io.gourmetgram.loop.accuracy.suites;

import jakarta.validation.constraints.NotBlank;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of test suites ({@code gourmetgram.accuracy.suites.*}); the S3 server and credentials are
 * the curation ones ({@code S3_ENDPOINT}, {@code S3_ACCESS_KEY}, {@code S3_SECRET_KEY}).
 *
 * @param bucket where suites go, under {@code test-suites/}; the uploads' bucket by default, so copies stay server-side
 */
@Validated
@ConfigurationProperties("gourmetgram.accuracy.suites")
public record SuitesProperties(
        @NotBlank(message = "the test-suite bucket is missing: set ACCURACY_SUITES_BUCKET (or S3_BUCKET)")
        String bucket) {}
