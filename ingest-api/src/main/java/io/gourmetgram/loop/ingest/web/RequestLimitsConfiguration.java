package io.gourmetgram.loop.ingest.web;

import io.gourmetgram.loop.ingest.upload.UploadLimits;
import jakarta.servlet.MultipartConfigElement;
import org.springframework.boot.servlet.MultipartConfigFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.unit.DataSize;
import org.springframework.web.multipart.support.StandardServletMultipartResolver;
import org.springframework.web.servlet.DispatcherServlet;

/**
 * The servlet container's multipart limits follow {@code gourmetgram.ingest.upload.max-bytes}, so one setting
 * governs both paths (multipart and raw body) and an oversized form is refused while it is read.
 */
@Configuration(proxyBeanMethods = false)
class RequestLimitsConfiguration {

    /**
     * Forms are kept in memory (the threshold is the largest form), not spooled to a temporary file and read
     * back: the disk round trip was the largest cost of a form upload. Memory stays bounded because a form
     * is only parsed once its size is reserved from the in-flight budget (see {@link #multipartResolver()}).
     */
    @Bean
    MultipartConfigElement multipartConfigElement(UploadLimits limits) {
        MultipartConfigFactory factory = new MultipartConfigFactory();
        factory.setMaxFileSize(limits.maxBytes());
        factory.setMaxRequestSize(DataSize.ofBytes(limits.maxFormBytes()));
        factory.setFileSizeThreshold(DataSize.ofBytes(limits.maxFormBytes()));
        return factory.createMultipartConfig();
    }

    /** Parses a form when the upload asks for its photo, i.e. after the in-flight budget was reserved for it. */
    @Bean(name = DispatcherServlet.MULTIPART_RESOLVER_BEAN_NAME)
    StandardServletMultipartResolver multipartResolver() {
        StandardServletMultipartResolver resolver = new StandardServletMultipartResolver();
        resolver.setResolveLazily(true);
        return resolver;
    }
}
