package io.gourmetgram.loop.labeling;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

/** The boundary between our streams and Label Studio. See README.md. */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class LabelingSinkApplication {

    public static void main(String[] args) {
        SpringApplication.run(LabelingSinkApplication.class, args);
    }
}
