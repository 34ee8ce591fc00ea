package io.gourmetgram.loop.support.management;

import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextType;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;

/**
 * Loaded into the management server's own (child) context through
 * {@code META-INF/spring/...ManagementContextConfiguration.imports}: filters of the main context do not
 * apply to the management port, and this one must not apply to the public port.
 */
@ManagementContextConfiguration(value = ManagementContextType.CHILD, proxyBeanMethods = false)
class ManagementAccessConfiguration {

    @Bean
    FilterRegistrationBean<ManagementTokenFilter> managementTokenFilter(ManagementAccess access) {
        FilterRegistrationBean<ManagementTokenFilter> registration =
                new FilterRegistrationBean<>(new ManagementTokenFilter(access.enabled() ? access.token() : ""));
        registration.setEnabled(access.enabled());
        return registration;
    }
}
