package io.gourmetgram.loop.support.s3;

import io.minio.BucketExistsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.errors.ErrorResponseException;

/** Buckets a stage creates at start-up when they are missing. */
public final class Buckets {

    private Buckets() {}

    /**
     * Creates {@code bucket} unless it exists. Replicas start together, so another one may create it between the
     * check and the creation: the store then answers {@code BucketAlreadyOwnedByYou} (or {@code BucketAlreadyExists}),
     * which is success as long as the bucket is there and ours to use.
     *
     * @return whether this call created it
     */
    public static boolean ensure(MinioClient s3, String bucket) throws Exception {
        if (s3.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
            return false;
        }
        try {
            s3.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
            return true;
        } catch (ErrorResponseException e) {
            if (s3.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
                return false; // created meanwhile by another replica
            }
            throw e;
        }
    }
}
