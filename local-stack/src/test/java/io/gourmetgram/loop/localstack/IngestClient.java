package io.gourmetgram.loop.localstack;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The ingest API as the web page uses it: uploads ({@link PhotoUpload}), feedback with the upload's token. */
final class IngestClient {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String base;

    IngestClient(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    HttpResponse<String> upload(byte[] bytes, String name) throws Exception {
        return PhotoUpload.send(http, URI.create(base + "/api/uploads"), bytes, name);
    }

    /** A flag ({@code /api/uploads/<id>/flag}, empty body) or a correction (JSON body). */
    HttpResponse<String> feedback(String path, String token, String json) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(URI.create(base + path))
                        .timeout(TIMEOUT)
                        .header("Content-Type", "application/json")
                        .header("X-Feedback-Token", token)
                        .POST(HttpRequest.BodyPublishers.ofString(json))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
