package io.gourmetgram.loop.labeling.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.minio.GetPresignedObjectUrlArgs;
import io.minio.http.Method;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * In docker-compose Label Studio reaches the sink by a network alias while annotators' browsers reach the sink and
 * MinIO on localhost: webhooks and image links use different URLs, and presigning must not call the browser's S3.
 */
class BrowserAndLabelStudioUrlsTest {

    @Test
    void webhooksGoToTheWebhookUrlWhenOneIsSet() {
        assertThat(bind(Map.of(
                                "public-url",
                                "http://localhost:8083",
                                "webhook-url",
                                "http://labeling-sink.gourmetgram.internal:8083"))
                        .webhookBaseUrl())
                .isEqualTo("http://labeling-sink.gourmetgram.internal:8083");
        assertThat(bind(Map.of("public-url", "http://localhost:8083")).webhookBaseUrl())
                .isEqualTo("http://localhost:8083");
    }

    @Test
    void presignsForAnEndpointThisProcessCannotReach() throws Exception {
        // Nothing listens on port 1: without a known region the client would ask the endpoint for it and fail.
        LabelingProperties properties = bind(Map.of(
                "public-url",
                "http://localhost:8083",
                "s3.endpoint",
                "http://127.0.0.1:1",
                "s3.access-key",
                "key",
                "s3.secret-key",
                "secret",
                "s3.region",
                "us-east-1"));

        String url = new LabelingWiring()
                .minio(properties)
                .getPresignedObjectUrl(GetPresignedObjectUrlArgs.builder()
                        .method(Method.GET)
                        .bucket("production")
                        .object("uploads/photo.jpg")
                        .expiry(900)
                        .build());

        assertThat(url)
                .startsWith("http://127.0.0.1:1/production/uploads/photo.jpg?")
                .contains("X-Amz-Signature=");
    }

    private static LabelingProperties bind(Map<String, String> settings) {
        Map<String, String> all = new HashMap<>();
        settings.forEach((k, v) -> all.put("gourmetgram.labeling." + k, v));
        return new Binder(new MapConfigurationPropertySource(all))
                .bind("gourmetgram.labeling", LabelingProperties.class)
                .get();
    }
}
