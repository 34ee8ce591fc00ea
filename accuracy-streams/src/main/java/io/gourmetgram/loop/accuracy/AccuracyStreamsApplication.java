package io.gourmetgram.loop.accuracy;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Windowed production accuracy from human labels. See README.md. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class AccuracyStreamsApplication {

    public static void main(String[] args) {
        SpringApplication.run(AccuracyStreamsApplication.class, args);
    }
}
