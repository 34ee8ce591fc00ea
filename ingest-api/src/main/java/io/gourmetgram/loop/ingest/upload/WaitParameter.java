package io.gourmetgram.loop.ingest.upload;

import io.gourmetgram.loop.ingest.problem.ApiProblem;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;

/** {@code ?wait=5s}, {@code 1500ms} or a bare number of seconds; capped; absent means do not wait. */
final class WaitParameter {

    private static final Pattern FORMAT = Pattern.compile("(\\d{1,6})(ms|s)?");

    private WaitParameter() {
    }

    static Duration parse(String value, Duration cap) {
        if (value == null || value.isBlank()) {
            return Duration.ZERO;
        }
        Matcher m = FORMAT.matcher(value.trim());
        if (!m.matches()) {
            throw new ApiProblem(HttpStatus.BAD_REQUEST, "Invalid wait",
                    "wait must look like '5s', '1500ms' or '5' (seconds), not '" + value + "'.");
        }
        long amount = Long.parseLong(m.group(1));
        Duration wait = "ms".equals(m.group(2)) ? Duration.ofMillis(amount) : Duration.ofSeconds(amount);
        return wait.compareTo(cap) > 0 ? cap : wait;
    }
}
