package io.gourmetgram.loop.inference.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The model gets the cores the decode threads leave, so the two never fight over the same cores by default. */
class OnnxThreadsTest {

    private static InferenceProperties with(int decodeThreads, int onnxThreads) {
        Duration d = Duration.ofSeconds(1);
        return new InferenceProperties(null, 16, 5, decodeThreads, onnxThreads, "id", d, d, 5, d, d, null);
    }

    @Test
    void byDefaultTheModelRunsOnTheCoresTheDecodeThreadsLeaveAndAtLeastOne() {
        assertThat(with(2, 0).effectiveOnnxThreads(2)).isEqualTo(1);
        assertThat(with(2, 0).effectiveOnnxThreads(8)).isEqualTo(6);
        assertThat(with(4, 0).effectiveOnnxThreads(2)).isEqualTo(1);
    }

    @Test
    void aConfiguredCountIsKept() {
        assertThat(with(2, 3).effectiveOnnxThreads(2)).isEqualTo(3);
    }
}
