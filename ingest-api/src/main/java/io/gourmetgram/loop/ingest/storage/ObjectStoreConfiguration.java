package io.gourmetgram.loop.ingest.storage;

import io.gourmetgram.loop.ingest.startup.StartupStep;
import io.gourmetgram.loop.support.s3.S3Settings;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class ObjectStoreConfiguration {

    @Bean
    ObjectStore objectStore(ObjectStoreProperties properties) {
        S3Settings s3 = properties.s3();
        return new ObjectStore(s3.newClient(), s3.endpoint(), s3.bucket());
    }

    @Bean
    StartupStep photoBucket(ObjectStore store) {
        return new StartupStep("S3 bucket " + store.bucket(), store::ensureBucket);
    }
}
