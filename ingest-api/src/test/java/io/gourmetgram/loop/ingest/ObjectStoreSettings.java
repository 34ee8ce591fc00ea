package io.gourmetgram.loop.ingest;

import io.gourmetgram.loop.events.testing.S3TestServer;
import org.springframework.test.context.DynamicPropertyRegistry;

/** Points the ingest-api under test at a test's own S3 server. */
final class ObjectStoreSettings {

    private ObjectStoreSettings() {}

    static void register(DynamicPropertyRegistry registry, S3TestServer s3) {
        registry.add("gourmetgram.ingest.s3.endpoint", s3::endpoint);
        registry.add("gourmetgram.ingest.s3.access-key", () -> S3TestServer.ACCESS_KEY);
        registry.add("gourmetgram.ingest.s3.secret-key", () -> S3TestServer.SECRET_KEY);
    }
}
