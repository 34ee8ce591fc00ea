package io.gourmetgram.loop.ingest.view;

import io.gourmetgram.loop.support.problem.ApiProblem;
import io.gourmetgram.loop.support.problem.ProblemType;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The {@code ?wait=} parameter: "5s" or "5000ms", capped so a client cannot park a request forever. */
public final class WaitTime {

    private static final Pattern FORMAT = Pattern.compile("(\\d{1,9})(ms|s)");

    private WaitTime() {}

    public static Duration parse(String text, Duration cap) {
        Matcher m = FORMAT.matcher(text == null ? "" : text.strip());
        if (!m.matches()) {
            throw new ApiProblem(
                            ProblemType.INVALID_WAIT,
                            "wait=" + text + " is not a duration. Use seconds or"
                                    + " milliseconds, e.g. wait=5s or wait=5000ms (at most " + cap.toSeconds() + "s).")
                    .with("maxWaitSeconds", cap.toSeconds());
        }
        long amount = Long.parseLong(m.group(1));
        Duration wait = m.group(2).equals("s") ? Duration.ofSeconds(amount) : Duration.ofMillis(amount);
        return wait.compareTo(cap) > 0 ? cap : wait;
    }
}
