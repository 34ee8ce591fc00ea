package io.gourmetgram.loop.ingest.management;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;

/** A guessable management token is refused at startup, naming the variable; none at all is fine. */
class ManagementPropertiesTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(ManagementProperties.class)
    static class Properties {
    }

    private final ApplicationContextRunner context = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
            .withUserConfiguration(Properties.class);

    @Test
    void aShortTokenStopsStartupNamingTheVariable() {
        context.withPropertyValues("gourmetgram.ingest.management.token=letmein").run(started ->
                assertThat(started.getStartupFailure()).rootCause()
                        .hasMessageContaining("INGEST_MANAGEMENT_TOKEN").hasMessageContaining("at least 32 characters"));
    }

    @Test
    void aLongTokenOrNoneStarts() {
        context.withPropertyValues("gourmetgram.ingest.management.token=" + "x".repeat(32)).run(started ->
                assertThat(started).hasNotFailed());
        context.run(started -> assertThat(started.getBean(ManagementProperties.class).token()).isNull());
    }
}
