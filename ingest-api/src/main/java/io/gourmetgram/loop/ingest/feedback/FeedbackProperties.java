package io.gourmetgram.loop.ingest.feedback;

import jakarta.validation.constraints.AssertTrue;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/** @param maxBodySize largest accepted feedback body; a label is a few dozen bytes, so anything more is refused (400) */
@Validated
@ConfigurationProperties("gourmetgram.ingest.feedback")
public record FeedbackProperties(@DefaultValue("1KB") DataSize maxBodySize) {

    @AssertTrue(message = "gourmetgram.ingest.feedback.max-body-size must be between 64B and 64KB")
    boolean isMaxBodySizeReasonable() {
        return maxBodySize != null && maxBodySize.toBytes() >= 64 && maxBodySize.toBytes() <= 65536;
    }
}
