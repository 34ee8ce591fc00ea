package io.gourmetgram.loop.labeling.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.gourmetgram.loop.support.s3.S3Settings;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LabelingPropertiesTest {

    private final Validator validator =
            Validation.buildDefaultValidatorFactory().getValidator();

    @Test
    void aProjectTitleLabelStudioWouldRefuseIsAStartupErrorNamingTheSetting() {
        assertThat(validator.validate(properties("ab")))
                .singleElement()
                .satisfies(v -> assertThat(v.getMessage())
                        .contains("LABEL_STUDIO_PROJECT_TITLE")
                        .contains("3 to 50"));
        assertThat(validator.validate(properties("x".repeat(51)))).hasSize(1);
        assertThat(validator.validate(properties("GourmetGram review"))).isEmpty();
    }

    private static LabelingProperties properties(String title) {
        Duration s = Duration.ofSeconds(1);
        return new LabelingProperties(
                "http://ls",
                "key",
                "secret",
                "http://localhost:8083",
                null,
                "link-secret",
                title,
                50,
                s,
                s,
                s,
                s,
                s,
                s,
                s,
                s,
                262_144,
                null,
                new S3Settings("http://s3", "access", "secret-key", "production", Duration.ofSeconds(10), "us-east-1"),
                null);
    }
}
