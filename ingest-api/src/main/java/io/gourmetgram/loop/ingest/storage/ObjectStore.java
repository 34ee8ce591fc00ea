package io.gourmetgram.loop.ingest.storage;

import io.gourmetgram.loop.events.ObjectRef;
import io.gourmetgram.loop.support.s3.Buckets;
import io.gourmetgram.loop.support.s3.S3Settings;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.RemoveObjectArgs;
import io.minio.Result;
import io.minio.messages.Item;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The photo bucket, through the MinIO client (S3 protocol). */
public class ObjectStore {

    private static final Logger log = LoggerFactory.getLogger(ObjectStore.class);

    private final MinioClient client;
    private final PhotoPutClient puts;
    private final String bucket;
    private final String endpoint;

    public ObjectStore(S3Settings s3) {
        this.client = s3.newClient();
        this.puts = new PhotoPutClient(s3.newAsyncClient());
        this.endpoint = s3.endpoint();
        this.bucket = s3.bucket();
    }

    public String bucket() {
        return bucket;
    }

    /** Creates the bucket if it is missing; called once at startup so the first upload does not pay for it. */
    public void ensureBucket() {
        try {
            if (Buckets.ensure(client, bucket)) {
                log.info("Created bucket {} at {}", bucket, endpoint);
            }
        } catch (Exception e) {
            throw new ObjectStoreException(
                    "Cannot reach or prepare bucket '" + bucket + "' at " + endpoint
                            + " (check S3_ENDPOINT, S3_ACCESS_KEY, S3_SECRET_KEY): " + e.getMessage(),
                    e);
        }
    }

    /** Writes a photo; {@code sha256Hex} is its SHA-256, which the store checks against the bytes it receives. */
    public ObjectRef put(String key, byte[] bytes, String sha256Hex, String contentType) {
        try {
            puts.put(bucket, key, bytes, sha256Hex, contentType).get();
            return new ObjectRef(bucket, key);
        } catch (ExecutionException e) {
            throw new ObjectStoreException(
                    "Could not write " + bucket + "/" + key + " to " + endpoint + ": "
                            + e.getCause().getMessage(),
                    e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ObjectStoreException("Interrupted while writing " + bucket + "/" + key, e);
        } catch (Exception e) {
            throw new ObjectStoreException(
                    "Could not write " + bucket + "/" + key + " to " + endpoint + ": " + e.getMessage(), e);
        }
    }

    /** An object in the bucket and when it was last written. */
    public record StoredObject(ObjectRef ref, Instant lastModified) {}

    /** Every object whose key starts with {@code prefix}. */
    public List<StoredObject> list(String prefix) {
        try {
            List<StoredObject> objects = new ArrayList<>();
            for (Result<Item> result : client.listObjects(ListObjectsArgs.builder()
                    .bucket(bucket)
                    .prefix(prefix)
                    .recursive(true)
                    .build())) {
                Item item = result.get();
                if (!item.isDir()) {
                    objects.add(new StoredObject(
                            new ObjectRef(bucket, item.objectName()),
                            item.lastModified().toInstant()));
                }
            }
            return objects;
        } catch (Exception e) {
            throw new ObjectStoreException(
                    "Could not list " + bucket + "/" + prefix + " at " + endpoint + ": " + e.getMessage(), e);
        }
    }

    public void delete(ObjectRef object) {
        try {
            client.removeObject(RemoveObjectArgs.builder()
                    .bucket(object.bucket())
                    .object(object.key())
                    .build());
        } catch (Exception e) {
            throw new ObjectStoreException(
                    "Could not delete " + object.bucket() + "/" + object.key() + ": " + e.getMessage(), e);
        }
    }
}
