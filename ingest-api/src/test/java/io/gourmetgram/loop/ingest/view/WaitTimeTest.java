package io.gourmetgram.loop.ingest.view;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gourmetgram.loop.support.problem.ApiProblem;
import io.gourmetgram.loop.support.problem.ProblemType;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class WaitTimeTest {

    private static final Duration CAP = Duration.ofSeconds(30);

    @ParameterizedTest
    @CsvSource({
        "5s, 5000",
        "5000ms, 5000",
        "0s, 0",
        "250ms, 250",
        "30s, 30000",
        "31s, 30000",
        "3600s, 30000",
        "999999999ms, 30000"
    })
    void acceptsSecondsAndMillisecondsCappedAtTheMaximum(String text, long expectedMillis) {
        assertThat(WaitTime.parse(text, CAP)).isEqualTo(Duration.ofMillis(expectedMillis));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "5", "five", "-5s", "5m", "1.5s", "5 s", "PT5S", "10000000000s"})
    void refusesNonsenseWithAnExample(String text) {
        assertThatThrownBy(() -> WaitTime.parse(text, CAP)).isInstanceOfSatisfying(ApiProblem.class, problem -> {
            assertThat(problem.problemType()).isEqualTo(ProblemType.INVALID_WAIT);
            assertThat(problem.getBody().getDetail()).contains("wait=5s", "30s");
        });
    }
}
