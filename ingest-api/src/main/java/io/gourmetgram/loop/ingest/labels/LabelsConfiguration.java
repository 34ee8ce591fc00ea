package io.gourmetgram.loop.ingest.labels;

import io.gourmetgram.loop.support.labels.ModelLabels;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class LabelsConfiguration {

    private static final Logger log = LoggerFactory.getLogger(LabelsConfiguration.class);

    @Bean
    ModelLabels modelLabels(ModelLabelsProperties properties) {
        ModelLabels labels = ModelLabels.configured(properties.labelsFile());
        log.info("Serving {} model labels from {}", labels.labels().size(), labels.source());
        return labels;
    }
}
