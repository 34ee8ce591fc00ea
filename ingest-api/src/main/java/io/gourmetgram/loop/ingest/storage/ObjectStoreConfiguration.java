package io.gourmetgram.loop.ingest.storage;

import io.gourmetgram.loop.ingest.startup.StartupStep;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class ObjectStoreConfiguration {

    @Bean
    ObjectStore objectStore(ObjectStoreProperties properties) {
        return new ObjectStore(properties.s3());
    }

    @Bean
    StartupStep photoBucket(ObjectStore store) {
        return new StartupStep("S3 bucket " + store.bucket(), store::ensureBucket);
    }
}
