package io.gourmetgram.loop.events.testing;

import java.net.URI;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.shaded.org.eclipse.jetty.util.component.AbstractLifeCycle;

/**
 * A real S3 protocol server (S3Proxy, in memory) on a free loopback port, for integration tests.
 * Use it with try-with-resources or as a static field started in {@code @BeforeAll}.
 */
public final class S3TestServer implements AutoCloseable {

    public static final String ACCESS_KEY = "test-access-key";
    public static final String SECRET_KEY = "test-secret-key";

    private final BlobStore blobs;
    private final int port;
    private volatile S3Proxy proxy;

    private S3TestServer(BlobStore blobs, S3Proxy proxy) {
        this.blobs = blobs;
        this.proxy = proxy;
        this.port = proxy.getPort();
    }

    public static S3TestServer start() {
        BlobStore blobs = new org.gaul.s3proxy.nio2blob.TransientNio2BlobStore();
        return new S3TestServer(blobs, serve(blobs, 0));
    }

    private static S3Proxy serve(BlobStore blobs, int port) {
        try {
            S3Proxy proxy = S3Proxy.builder()
                    .blobStore(blobs)
                    .endpoint(URI.create("http://127.0.0.1:" + port))
                    .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                    .build();
            proxy.start();
            while (!proxy.getState().equals(AbstractLifeCycle.STARTED)) {
                Thread.onSpinWait();
            }
            return proxy;
        } catch (Exception e) {
            throw new IllegalStateException("Could not start S3Proxy", e);
        }
    }

    /** e.g. http://127.0.0.1:41234 */
    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    /** Stops answering (connections are refused), keeping the stored objects: an S3 outage. */
    public void stop() throws Exception {
        proxy.stop();
    }

    /** Answers again on the same port, with the objects it had. */
    public void restart() {
        proxy = serve(blobs, port);
    }

    @Override
    public void close() throws Exception {
        proxy.stop();
    }
}
