package io.gourmetgram.loop.ingest.web;

import io.gourmetgram.loop.ingest.upload.UploadLimits;
import jakarta.servlet.MultipartConfigElement;
import org.springframework.boot.servlet.MultipartConfigFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.unit.DataSize;

/**
 * The servlet container's multipart limits follow {@code gourmetgram.ingest.upload.max-bytes}, so one setting
 * governs both paths (multipart and raw body) and an oversized form is refused while it is read.
 */
@Configuration(proxyBeanMethods = false)
class RequestLimitsConfiguration {

    /** Room for the multipart boundaries and part headers around a photo of the maximum size. */
    private static final DataSize ENVELOPE = DataSize.ofKilobytes(64);

    @Bean
    MultipartConfigElement multipartConfigElement(UploadLimits limits) {
        MultipartConfigFactory factory = new MultipartConfigFactory();
        factory.setMaxFileSize(limits.maxBytes());
        factory.setMaxRequestSize(DataSize.ofBytes(limits.maxBytes().toBytes() + ENVELOPE.toBytes()));
        return factory.createMultipartConfig();
    }
}
