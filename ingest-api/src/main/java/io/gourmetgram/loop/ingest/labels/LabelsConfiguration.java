package io.gourmetgram.loop.ingest.labels;

import io.gourmetgram.loop.events.ModelLabels;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class LabelsConfiguration {

    private static final Logger log = LoggerFactory.getLogger(LabelsConfiguration.class);

    @Bean
    ModelLabels modelLabels(ModelLabelsProperties properties) {
        ModelLabels labels = properties.labelsFile() == null || properties.labelsFile().isBlank()
                ? ModelLabels.food11()
                : ModelLabels.fromSidecar(Path.of(properties.labelsFile()));
        log.info("Serving {} model labels from {}", labels.labels().size(), labels.source());
        return labels;
    }
}
