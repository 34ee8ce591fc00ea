package io.gourmetgram.loop.ingest.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gourmetgram.loop.events.ObjectRef;
import io.gourmetgram.loop.events.testing.S3TestServer;
import io.gourmetgram.loop.ingest.image.SamplePhotos;
import io.gourmetgram.loop.support.s3.S3Settings;
import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.minio.StatObjectArgs;
import java.io.InputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The photo PUT against a real S3 server: the bytes and type arrive, and the hash it carries is checked. */
class ObjectStoreIT {

    private static final S3TestServer S3 = S3TestServer.start();
    private final S3Settings settings = new S3Settings(
            S3.endpoint(),
            S3TestServer.ACCESS_KEY,
            S3TestServer.SECRET_KEY,
            "photos",
            Duration.ofSeconds(5),
            "us-east-1");
    private final ObjectStore store = new ObjectStore(settings);
    private final MinioClient reader = settings.newClient();

    @AfterAll
    static void stop() throws Exception {
        S3.close();
    }

    @Test
    void aPhotoIsStoredByteForByteWithItsType() throws Exception {
        store.ensureBucket();
        byte[] photo = SamplePhotos.bytes(SamplePhotos.smallSharedJpeg());

        ObjectRef ref = store.put("2026/11/30/a.jpg", photo, sha256Hex(photo), "image/jpeg");

        try (InputStream in = reader.getObject(
                GetObjectArgs.builder().bucket(ref.bucket()).object(ref.key()).build())) {
            assertThat(in.readAllBytes()).isEqualTo(photo);
        }
        assertThat(reader.statObject(StatObjectArgs.builder()
                                .bucket(ref.bucket())
                                .object(ref.key())
                                .build())
                        .contentType())
                .isEqualTo("image/jpeg");
    }

    @Test
    void bytesThatDoNotMatchTheirHashAreRefusedByTheStore() throws Exception {
        store.ensureBucket();
        byte[] photo = SamplePhotos.bytes(SamplePhotos.smallSharedJpeg());
        byte[] other = photo.clone();
        other[other.length / 2] ^= 1; // one bit changed on the way

        assertThatThrownBy(() -> store.put("2026/11/30/b.jpg", other, sha256Hex(photo), "image/jpeg"))
                .isInstanceOf(ObjectStoreException.class);
    }

    private static String sha256Hex(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
