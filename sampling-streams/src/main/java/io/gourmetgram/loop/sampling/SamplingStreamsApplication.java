package io.gourmetgram.loop.sampling;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Decides which uploads humans should label, and why. See README.md. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class SamplingStreamsApplication {

    public static void main(String[] args) {
        SpringApplication.run(SamplingStreamsApplication.class, args);
    }
}
