package io.gourmetgram.loop.localstack;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** A photo posted to ingest-api's {@code /api/uploads} as the upload page posts it (multipart, field {@code file}). */
final class PhotoUpload {

    private PhotoUpload() {}

    static HttpResponse<String> send(HttpClient http, URI uploads, byte[] bytes, String name) throws Exception {
        return body(bytes, name).send(http, uploads);
    }

    /** The multipart body of one photo, built once; a benchmark sends the same one many times without copying it. */
    static Body body(byte[] bytes, String name) {
        String boundary = "photo" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + name
                        + "\"\r\nContent-Type: image/jpeg\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        body.writeBytes(bytes);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return new Body("multipart/form-data; boundary=" + boundary, body.toByteArray());
    }

    record Body(String contentType, byte[] bytes) {
        HttpResponse<String> send(HttpClient http, URI uploads) throws Exception {
            return http.send(
                    HttpRequest.newBuilder(uploads)
                            .header("Content-Type", contentType)
                            .POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        }
    }
}
