package io.gourmetgram.loop.ingest.storage;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;

/** A newcomer who forgets the S3 credentials is told which variable to set, before anything connects. */
class ObjectStorePropertiesTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(ObjectStoreProperties.class)
    static class Properties {}

    private final ApplicationContextRunner context = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
            .withUserConfiguration(Properties.class)
            .withPropertyValues(
                    "gourmetgram.ingest.s3.endpoint=http://localhost:9000", "gourmetgram.ingest.s3.bucket=production");

    @Test
    void missingCredentialsStopStartupNamingTheVariables() {
        context.withPropertyValues("gourmetgram.ingest.s3.access-key=", "gourmetgram.ingest.s3.secret-key=")
                .run(started -> {
                    assertThat(started).hasFailed();
                    assertThat(started.getStartupFailure())
                            .rootCause()
                            .hasMessageContaining("S3_ACCESS_KEY")
                            .hasMessageContaining("S3_SECRET_KEY");
                });
    }

    @Test
    void anInvalidBucketNameIsExplained() {
        context.withPropertyValues(
                        "gourmetgram.ingest.s3.access-key=a",
                        "gourmetgram.ingest.s3.secret-key=b",
                        "gourmetgram.ingest.s3.bucket=My_Bucket")
                .run(started ->
                        assertThat(started.getStartupFailure()).rootCause().hasMessageContaining("S3_BUCKET"));
    }

    @Test
    void aSecretKeyShorterThanMinioAcceptsStopsStartup() {
        context.withPropertyValues("gourmetgram.ingest.s3.access-key=a", "gourmetgram.ingest.s3.secret-key=short")
                .run(started -> assertThat(started.getStartupFailure())
                        .rootCause()
                        .hasMessageContaining("S3_SECRET_KEY")
                        .hasMessageContaining("at least 8 characters"));
    }

    @Test
    void completeSettingsBind() {
        context.withPropertyValues("gourmetgram.ingest.s3.access-key=a", "gourmetgram.ingest.s3.secret-key=long-enough")
                .run(started -> assertThat(started.getBean(ObjectStoreProperties.class)
                                .s3()
                                .timeout())
                        .hasSeconds(10));
    }
}
