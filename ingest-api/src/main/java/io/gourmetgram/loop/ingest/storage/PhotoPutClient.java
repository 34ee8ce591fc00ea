package io.gourmetgram.loop.ingest.storage;

import com.google.common.collect.ImmutableMultimap;
import io.minio.MinioAsyncClient;
import io.minio.ObjectWriteResponse;
import io.minio.errors.MinioException;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.concurrent.CompletableFuture;

/**
 * MinIO's asynchronous client, for the one call its public API lacks: a PUT of bytes already in memory.
 * {@code MinioClient.putObject} takes a stream, which it copies through a part reader on the common pool,
 * hashes there, and sends through an HTTP client built anew for every call (a stream cannot be retried);
 * that was the costliest part of an upload after the multipart parsing. A byte array is signed and sent as
 * it is, over the shared connection pool.
 */
final class PhotoPutClient extends MinioAsyncClient {

    PhotoPutClient(MinioAsyncClient client) {
        super(client);
    }

    CompletableFuture<ObjectWriteResponse> put(String bucket, String key, byte[] bytes, String contentType)
            throws MinioException, IOException, GeneralSecurityException {
        // Region null: the configured one (S3_REGION), never asked of the endpoint.
        return putObjectAsync(
                bucket,
                null,
                key,
                bytes,
                bytes.length,
                ImmutableMultimap.of("Content-Type", contentType),
                ImmutableMultimap.of());
    }
}
