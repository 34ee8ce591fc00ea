package io.gourmetgram.loop.ingest.storage;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/** Creates the photo bucket once the application is up. */
@Component
class BucketBootstrap implements ApplicationRunner {

    private final PhotoStore store;

    BucketBootstrap(PhotoStore store) {
        this.store = store;
    }

    @Override
    public void run(ApplicationArguments args) {
        store.ensureBucket();
    }
}
