package io.gourmetgram.loop.localstack;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;

/**
 * An S3-protocol server (S3Proxy) storing objects as files under the data directory, so photos
 * survive restarts. The credentials are fixed and local: this is the only place with a default secret.
 */
public final class S3Node implements AutoCloseable {

    public static final String ACCESS_KEY = "local-stack";
    public static final String SECRET_KEY = "local-stack-secret";

    static final int JETTY_MAX_THREADS = 24;

    private final S3Proxy proxy;

    private S3Node(S3Proxy proxy) {
        this.proxy = proxy;
    }

    public static S3Node start(Path dataDir, int port) throws Exception {
        Files.createDirectories(dataDir);
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(new FilesystemNio2BlobStore(dataDir.toAbsolutePath().toString()))
                .endpoint(URI.create("http://127.0.0.1:" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                // Five stages with a few connections each; Jetty's default pool is sized for a server.
                .jettyMaxThreads(JETTY_MAX_THREADS)
                .build();
        proxy.start();
        return new S3Node(proxy);
    }

    public String endpoint() {
        return "http://127.0.0.1:" + proxy.getPort();
    }

    @Override
    public void close() throws Exception {
        proxy.stop();
    }
}
