package io.gourmetgram.loop.ingest.storage;

import com.google.common.collect.ImmutableMultimap;
import io.minio.MinioAsyncClient;
import io.minio.ObjectWriteResponse;
import io.minio.credentials.Credentials;
import io.minio.errors.InsufficientDataException;
import io.minio.errors.InternalException;
import io.minio.errors.MinioException;
import io.minio.http.Method;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.Request;
import okhttp3.RequestBody;

/**
 * MinIO's asynchronous client, for a PUT of bytes already in memory whose SHA-256 is already known.
 *
 * <p>{@code MinioClient.putObject} takes a stream, which it copies through a part reader on the common pool,
 * hashes there, and sends through an HTTP client built anew for every call; a byte array is sent as it is
 * over the shared connection pool, but MinIO then hashes it twice more (MD5 for {@code Content-MD5}, SHA-256
 * for the signature). The upload already has its SHA-256 (it goes into the {@code Upload} event), so the
 * request carries that one as {@code x-amz-content-sha256}, which the server checks against the body, and no
 * optional {@code Content-MD5}. Hashing was a quarter of an upload's CPU time.
 */
final class PhotoPutClient extends MinioAsyncClient {

    private static final byte[] NO_BYTES = {};

    /** Photos being put and their SHA-256 (hex); byte arrays are keys by identity. */
    private final Map<byte[], String> knownHashes = new ConcurrentHashMap<>();

    PhotoPutClient(MinioAsyncClient client) {
        super(client);
    }

    /** Puts {@code bytes} whose SHA-256 is {@code sha256Hex}; the server refuses them if that is not their hash. */
    CompletableFuture<ObjectWriteResponse> put(
            String bucket, String key, byte[] bytes, String sha256Hex, String contentType)
            throws MinioException, IOException, GeneralSecurityException {
        knownHashes.put(bytes, sha256Hex);
        try {
            // Region null: the configured one (S3_REGION), never asked of the endpoint.
            return putObjectAsync(
                            bucket,
                            null,
                            key,
                            bytes,
                            bytes.length,
                            ImmutableMultimap.of("Content-Type", contentType),
                            ImmutableMultimap.of())
                    .whenComplete((response, error) -> knownHashes.remove(bytes));
        } catch (MinioException | IOException | GeneralSecurityException | RuntimeException e) {
            knownHashes.remove(bytes);
            throw e;
        }
    }

    /** For a photo of {@link #put}: the request MinIO would build for an empty body, given the photo and its hash. */
    @Override
    protected Request createRequest(
            HttpUrl url, Method method, Headers headers, Object body, int length, Credentials credentials)
            throws InsufficientDataException, InternalException, IOException, NoSuchAlgorithmException {
        String sha256Hex = body instanceof byte[] bytes ? knownHashes.get(bytes) : null;
        if (sha256Hex == null) {
            return super.createRequest(url, method, headers, body, length, credentials);
        }
        Request empty = super.createRequest(url, method, headers, NO_BYTES, 0, credentials);
        RequestBody emptyBody = empty.body();
        return empty.newBuilder()
                .removeHeader("Content-MD5")
                .header("x-amz-content-sha256", sha256Hex)
                .method(
                        method.toString(),
                        RequestBody.create(
                                (byte[]) body, emptyBody == null ? null : emptyBody.contentType(), 0, length))
                .build();
    }
}
