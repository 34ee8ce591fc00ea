package io.gourmetgram.loop.inference;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Scores uploads with an ONNX image classifier and publishes predictions. See README.md. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class InferenceProcessorApplication {

    public static void main(String[] args) {
        SpringApplication.run(InferenceProcessorApplication.class, args);
    }
}
