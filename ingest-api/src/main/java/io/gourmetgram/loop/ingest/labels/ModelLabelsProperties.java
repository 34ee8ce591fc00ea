package io.gourmetgram.loop.ingest.labels;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * @param labelsFile path to the model's sidecar {@code model.json} (MODEL_LABELS_FILE); blank means
 *                   the Food-11 labels
 */
@ConfigurationProperties("gourmetgram.ingest.model")
public record ModelLabelsProperties(String labelsFile) {}
