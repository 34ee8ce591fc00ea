package io.gourmetgram.loop.ingest.management;

import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextType;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;

/**
 * Loaded into the management server's own (child) context through
 * {@code META-INF/spring/...ManagementContextConfiguration.imports}: filters of the main context do not
 * apply to the management port. Kept out of the application's component scan (see IngestApiApplication).
 */
@ManagementContextConfiguration(value = ManagementContextType.CHILD, proxyBeanMethods = false)
class ManagementAccessConfiguration {

    @Bean
    FilterRegistrationBean<ManagementTokenFilter> managementTokenFilter(ManagementProperties properties) {
        boolean enabled = properties.token() != null && !properties.token().isEmpty();
        FilterRegistrationBean<ManagementTokenFilter> registration =
                new FilterRegistrationBean<>(new ManagementTokenFilter(enabled ? properties.token() : ""));
        registration.setEnabled(enabled);
        return registration;
    }
}
