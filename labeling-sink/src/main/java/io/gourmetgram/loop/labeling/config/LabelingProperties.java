package io.gourmetgram.loop.labeling.config;

import io.gourmetgram.loop.support.s3.S3Settings;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of labeling-sink ({@code gourmetgram.labeling.*}; environment variables in README.md).
 *
 * @param labelStudioUrl     empty = no Label Studio yet: requests wait in Kafka
 * @param publicUrl          where annotators' browsers reach this service (image links); also the webhook's base
 *                           unless {@code webhookUrl} is set
 * @param webhookUrl         where Label Studio delivers webhooks, when it reaches this service by another name than
 *                           browsers do (e.g. a docker-compose network alias); empty = {@code publicUrl}
 * @param imageLinkSecret    HMAC key of the image links handed to Label Studio
 * @param stateDir           where the local index of receipts lives (rebuilt from Kafka at start); empty = the
 *                           system's temporary folder
 */
@Validated
@ConfigurationProperties("gourmetgram.labeling")
public record LabelingProperties(
        String labelStudioUrl,
        String labelStudioApiKey,
        String webhookSecret,

        @NotBlank(
                message =
                        "LABELING_PUBLIC_URL must say where annotators' browsers (and, without LABELING_WEBHOOK_URL, Label Studio) reach this service, e.g. http://localhost:8083")
        String publicUrl,

        String webhookUrl,

        @NotBlank(message = "LABELING_IMAGE_LINK_SECRET is missing: set a long random string (it signs image links)")
        String imageLinkSecret,

        @NotBlank(message = "LABEL_STUDIO_PROJECT_TITLE must not be empty")
        @Size(
                min = 3,
                max = 50,
                message =
                        "LABEL_STUDIO_PROJECT_TITLE must be 3 to 50 characters long (Label Studio refuses other titles)")
        String projectTitle,

        @Min(value = 1, message = "batch-size (LABELING_BATCH_SIZE) must be at least 1")
        int batchSize,

        @NotNull Duration backoffMin,
        @NotNull Duration backoffMax,
        @NotNull Duration reconcileInterval,
        @NotNull Duration timeout,
        @NotNull Duration importSettle,
        @NotNull Duration sweepInterval,
        @NotNull Duration stallTimeout,
        @NotNull Duration catchUpTimeout,

        @Min(value = 1024, message = "webhook-max-bytes (LABELING_WEBHOOK_MAX_BYTES) must be at least 1024")
        int webhookMaxBytes,

        Path labelsFile,
        @Valid @NotNull S3Settings s3,
        Path stateDir) {

    public LabelingProperties {
        if (stateDir == null || stateDir.toString().isBlank()) {
            stateDir = Path.of(System.getProperty("java.io.tmpdir"));
        }
    }

    /** The base URL Label Studio calls back (webhooks). */
    public String webhookBaseUrl() {
        return webhookUrl == null || webhookUrl.isBlank() ? publicUrl : webhookUrl;
    }

    public boolean labelStudioConfigured() {
        return labelStudioUrl != null && !labelStudioUrl.isBlank();
    }

    /** Checked when Label Studio is configured: the rest is needed to talk to it safely. */
    public void requireLabelStudioSettings() {
        if (labelStudioApiKey == null || labelStudioApiKey.isBlank()) {
            throw new IllegalStateException("LABEL_STUDIO_URL is set but LABEL_STUDIO_API_KEY is not: "
                    + "create a personal access token in Label Studio (Account & Settings) and set it");
        }
        if (webhookSecret == null || webhookSecret.isBlank()) {
            throw new IllegalStateException("LABEL_STUDIO_WEBHOOK_SECRET is missing: set a random string; "
                    + "Label Studio sends it with every webhook so we can tell its calls from anyone else's");
        }
    }
}
