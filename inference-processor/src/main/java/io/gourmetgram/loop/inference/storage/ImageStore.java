package io.gourmetgram.loop.inference.storage;

import io.gourmetgram.loop.events.ObjectRef;
import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.GetObjectResponse;
import io.minio.MinioClient;
import io.minio.errors.ErrorResponseException;
import java.io.IOException;
import java.util.Set;

/** Reads upload bytes from the S3 store, telling a missing object apart from an unreachable store. */
public class ImageStore {

    private static final Set<String> MISSING = Set.of("NoSuchKey", "NoSuchBucket", "NoSuchObject");

    private final MinioClient client;

    public ImageStore(MinioClient client) {
        this.client = client;
    }

    /**
     * Whether the store answers at all (any S3 response, even a refusal), telling an outage apart
     * from one object it fails to serve.
     */
    public boolean answers(String bucket) {
        try {
            client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build());
            return true;
        } catch (ErrorResponseException e) {
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    /**
     * @throws ImageUnavailableException the object does not exist (permanent: retrying cannot help)
     * @throws IOException               the store could not be reached or failed (transient)
     */
    public byte[] read(ObjectRef ref) throws IOException {
        try (GetObjectResponse in = client.getObject(
                GetObjectArgs.builder().bucket(ref.bucket()).object(ref.key()).build())) {
            return body(in, ref);
        } catch (ErrorResponseException e) {
            if (MISSING.contains(e.errorResponse().code())) {
                throw new ImageUnavailableException("Object s3://" + ref.bucket() + "/" + ref.key()
                        + " does not exist (" + e.errorResponse().code() + ")");
            }
            throw new IOException(
                    "S3 refused to read s3://" + ref.bucket() + "/" + ref.key() + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("Could not read s3://" + ref.bucket() + "/" + ref.key() + ": " + e.getMessage(), e);
        }
    }

    /**
     * The body read straight into an array of the declared length: {@code readAllBytes()} gathers
     * unknown-length input in chunks and copies them again, several times the photo's size in garbage
     * (three quarters of the service's allocations in the profile).
     */
    private static byte[] body(GetObjectResponse in, ObjectRef ref) throws IOException {
        String declared = in.headers().get("Content-Length");
        long length = declared == null ? -1 : parseLength(declared);
        if (length < 0 || length > Integer.MAX_VALUE - 8) {
            return in.readAllBytes();
        }
        byte[] body = new byte[(int) length];
        int read = in.readNBytes(body, 0, body.length);
        if (read < body.length) {
            throw new IOException("s3://" + ref.bucket() + "/" + ref.key() + " ended after " + read + " of its "
                    + body.length + " bytes");
        }
        return body;
    }

    private static long parseLength(String declared) {
        try {
            return Long.parseLong(declared.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
