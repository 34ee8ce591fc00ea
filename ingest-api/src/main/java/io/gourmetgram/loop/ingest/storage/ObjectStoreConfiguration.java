package io.gourmetgram.loop.ingest.storage;

import io.gourmetgram.loop.ingest.startup.StartupStep;
import io.minio.MinioClient;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class ObjectStoreConfiguration {

    @Bean
    ObjectStore objectStore(ObjectStoreProperties properties) {
        MinioClient client = MinioClient.builder()
                .endpoint(properties.endpoint())
                .credentials(properties.accessKey(), properties.secretKey())
                .build();
        // The client's own defaults are minutes; an upload should fail fast with 503 instead.
        long millis = properties.timeout().toMillis();
        client.setTimeout(millis, millis, millis);
        return new ObjectStore(client, properties.endpoint(), properties.bucket());
    }

    @Bean
    StartupStep photoBucket(ObjectStore store) {
        return new StartupStep("S3 bucket " + store.bucket(), store::ensureBucket);
    }
}
