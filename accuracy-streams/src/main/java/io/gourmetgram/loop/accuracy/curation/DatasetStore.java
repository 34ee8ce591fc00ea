package io.gourmetgram.loop.accuracy.curation;

import io.gourmetgram.loop.events.ObjectRef;
import io.minio.BucketExistsArgs;
import io.minio.CopyObjectArgs;
import io.minio.CopySource;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.RemoveObjectArgs;

/**
 * The retraining sets in the object store: {@code production-clean} (human labels only) and
 * {@code production-noisy} (human labels, plus confident unreviewed predictions), each laid out
 * {@code class_XX/<uploadId>.<ext>}. Copies are server-side and idempotent: same source, same key.
 */
public final class DatasetStore {

    public static final String CLEAN = "production-clean";
    public static final String NOISY = "production-noisy";

    private final MinioClient s3;

    public DatasetStore(MinioClient s3) {
        this.s3 = s3;
    }

    public void ensureBuckets() throws Exception {
        for (String bucket : new String[] {CLEAN, NOISY}) {
            if (!s3.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
                s3.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
            }
        }
    }

    static String key(int classIndex, ObjectRef source, String uploadId) {
        String ext = source.extension();
        return String.format("class_%02d/%s%s", classIndex, uploadId, ext.isEmpty() ? "" : "." + ext);
    }

    void copy(ObjectRef source, String bucket, String key) {
        try {
            s3.copyObject(CopyObjectArgs.builder().bucket(bucket).object(key)
                    .source(CopySource.builder().bucket(source.bucket()).object(source.key()).build()).build());
        } catch (Exception e) {
            throw new IllegalStateException("Could not copy s3://" + source.bucket() + "/" + source.key() + " to s3://"
                    + bucket + "/" + key + ": " + e.getMessage(), e);
        }
    }

    void remove(String bucket, String key) {
        try {
            s3.removeObject(RemoveObjectArgs.builder().bucket(bucket).object(key).build());
        } catch (Exception e) {
            throw new IllegalStateException("Could not remove s3://" + bucket + "/" + key + ": " + e.getMessage(), e);
        }
    }
}
