package io.gourmetgram.loop.support.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.gourmetgram.loop.events.testing.S3TestServer;
import io.minio.BucketExistsArgs;
import io.minio.MinioClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Bucket creation against a real S3 server (S3Proxy), as replicas starting together do it. */
class BucketsIT {

    private static S3TestServer server;
    private static S3Settings settings;

    @BeforeAll
    static void startServer() {
        server = S3TestServer.start();
        settings = new S3Settings(
                server.endpoint(),
                S3TestServer.ACCESS_KEY,
                S3TestServer.SECRET_KEY,
                "production",
                Duration.ofSeconds(10),
                "us-east-1");
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    @Test
    void replicasStartingTogetherAllStartWithTheBucketAndNoneFails() throws Exception {
        int replicas = 8;
        CyclicBarrier together = new CyclicBarrier(replicas);
        ExecutorService pool = Executors.newFixedThreadPool(replicas);
        try {
            List<Future<Boolean>> created = new ArrayList<>();
            for (int i = 0; i < replicas; i++) {
                MinioClient client = settings.newClient();
                Callable<Boolean> start = () -> {
                    together.await();
                    return Buckets.ensure(client, "production-clean");
                };
                created.add(pool.submit(start));
            }
            int creators = 0;
            for (Future<Boolean> result : created) {
                creators += result.get() ? 1 : 0; // a replica that failed would throw here
            }
            assertThat(creators).isPositive();
            assertThat(settings.newClient()
                            .bucketExists(BucketExistsArgs.builder()
                                    .bucket("production-clean")
                                    .build()))
                    .isTrue();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void anExistingBucketIsLeftAlone() throws Exception {
        MinioClient client = settings.newClient();
        Buckets.ensure(client, "production-noisy");

        assertThat(Buckets.ensure(client, "production-noisy")).isFalse();
    }
}
