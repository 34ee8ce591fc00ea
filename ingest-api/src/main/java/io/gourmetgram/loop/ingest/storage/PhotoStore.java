package io.gourmetgram.loop.ingest.storage;

import io.gourmetgram.loop.events.ObjectRef;
import io.gourmetgram.loop.ingest.config.IngestProperties;
import io.minio.BucketExistsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import java.io.ByteArrayInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** Writes photos to the S3 store (MinIO client) and removes them when their event could not be published. */
@Component
public class PhotoStore {

    private static final Logger log = LoggerFactory.getLogger(PhotoStore.class);

    private final MinioClient client;
    private final String bucket;

    public PhotoStore(IngestProperties properties) {
        this.client = MinioClient.builder().endpoint(properties.s3().endpoint())
                .credentials(properties.s3().accessKey(), properties.s3().secretKey()).build();
        this.bucket = properties.s3().bucket();
    }

    public String bucket() {
        return bucket;
    }

    /** Creates the bucket if it is missing; the store being down at start-up is only a warning. */
    public void ensureBucket() {
        try {
            if (!client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
                client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
                log.info("Created bucket {}", bucket);
            }
        } catch (Exception e) {
            log.warn("Could not check or create bucket '{}' ({}); uploads answer 503 until the store is reachable",
                    bucket, e.getMessage());
        }
    }

    /** @throws StoreUnavailableException when the write did not succeed */
    public void put(ObjectRef ref, byte[] bytes, String contentType) {
        try {
            client.putObject(PutObjectArgs.builder().bucket(ref.bucket()).object(ref.key()).contentType(contentType)
                    .stream(new ByteArrayInputStream(bytes), bytes.length, -1).build());
        } catch (Exception e) {
            throw new StoreUnavailableException("Could not write s3://" + ref.bucket() + "/" + ref.key() + ": " + e.getMessage(), e);
        }
    }

    /** @return whether the object is gone */
    public boolean delete(ObjectRef ref) {
        try {
            client.removeObject(RemoveObjectArgs.builder().bucket(ref.bucket()).object(ref.key()).build());
            return true;
        } catch (Exception e) {
            log.error("ORPHANED OBJECT s3://{}/{}: its upload event was not published and deleting it failed ({}); "
                    + "remove it by hand", ref.bucket(), ref.key(), e.getMessage());
            return false;
        }
    }
}
