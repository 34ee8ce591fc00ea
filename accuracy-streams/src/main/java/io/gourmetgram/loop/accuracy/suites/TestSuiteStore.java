package io.gourmetgram.loop.accuracy.suites;

import static io.gourmetgram.loop.events.SuiteManifestEntry.MANIFEST;
import static io.gourmetgram.loop.events.SuiteManifestEntry.SUITES_PREFIX;
import static io.gourmetgram.loop.events.SuiteManifestEntry.SUMMARY;

import io.gourmetgram.loop.events.EventJson;
import io.gourmetgram.loop.events.ObjectRef;
import io.gourmetgram.loop.events.SuiteManifestEntry;
import io.gourmetgram.loop.support.s3.Buckets;
import io.minio.CopyObjectArgs;
import io.minio.CopySource;
import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.errors.ErrorResponseException;
import io.minio.messages.Item;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Test suites in the object store: {@code <bucket>/test-suites/<name>/} holding {@code images/<uploadId>.<ext>}
 * (server-side copies of the uploads' photos), {@code manifest.jsonl} and, written last, {@code suite.json}.
 * A suite is never rewritten: a new one gets a new name.
 */
public final class TestSuiteStore {

    private final MinioClient s3;
    private final String bucket;

    public TestSuiteStore(MinioClient s3, String bucket) {
        this.s3 = s3;
        this.bucket = bucket;
    }

    public String bucket() {
        return bucket;
    }

    static String prefix(String name) {
        return SUITES_PREFIX + name + "/";
    }

    void ensureBucket() throws Exception {
        Buckets.ensure(s3, bucket);
    }

    boolean exists(String name) throws Exception {
        try {
            s3.statObject(StatObjectArgs.builder()
                    .bucket(bucket)
                    .object(prefix(name) + SUMMARY)
                    .build());
            return true;
        } catch (ErrorResponseException e) {
            if ("NoSuchKey".equals(e.errorResponse().code())) {
                return false;
            }
            throw e;
        }
    }

    /** Copies an upload's photo into the suite and returns where the copy is. */
    ObjectRef copyImage(String name, String uploadId, ObjectRef source) throws Exception {
        String ext = source.extension();
        ObjectRef target =
                new ObjectRef(bucket, prefix(name) + "images/" + uploadId + (ext.isEmpty() ? "" : "." + ext));
        s3.copyObject(CopyObjectArgs.builder()
                .bucket(target.bucket())
                .object(target.key())
                .source(CopySource.builder()
                        .bucket(source.bucket())
                        .object(source.key())
                        .build())
                .build());
        return target;
    }

    void write(SuiteSummary summary, List<SuiteManifestEntry> entries) throws Exception {
        StringBuilder manifest = new StringBuilder();
        for (SuiteManifestEntry entry : entries) {
            manifest.append(EventJson.mapper().writeValueAsString(entry)).append('\n');
        }
        put(summary.prefix() + MANIFEST, manifest.toString().getBytes(StandardCharsets.UTF_8), "application/x-ndjson");
        put(
                summary.prefix() + SUMMARY,
                EventJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(summary),
                "application/json");
    }

    /** Every complete suite (one with its {@code suite.json}), oldest first. */
    public List<SuiteSummary> list() throws Exception {
        List<SuiteSummary> suites = new ArrayList<>();
        for (Result<Item> result : s3.listObjects(
                ListObjectsArgs.builder().bucket(bucket).prefix(SUITES_PREFIX).build())) {
            Item item = result.get();
            if (item.isDir()) {
                String name =
                        item.objectName().substring(SUITES_PREFIX.length()).replaceAll("/$", "");
                read(name).ifPresent(suites::add);
            }
        }
        suites.sort(Comparator.comparing(SuiteSummary::name));
        return suites;
    }

    Optional<SuiteSummary> read(String name) throws Exception {
        if (!exists(name)) {
            return Optional.empty();
        }
        try (InputStream in = s3.getObject(GetObjectArgs.builder()
                .bucket(bucket)
                .object(prefix(name) + SUMMARY)
                .build())) {
            return Optional.of(EventJson.mapper().readValue(in, SuiteSummary.class));
        }
    }

    private void put(String key, byte[] bytes, String contentType) throws Exception {
        s3.putObject(PutObjectArgs.builder().bucket(bucket).object(key).stream(
                        new ByteArrayInputStream(bytes), bytes.length, -1)
                .contentType(contentType)
                .build());
    }
}
