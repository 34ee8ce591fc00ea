package io.gourmetgram.loop.accuracy.query;

import io.gourmetgram.loop.accuracy.app.AccuracyStreams;
import io.gourmetgram.loop.events.AccuracyWindow;
import io.gourmetgram.loop.events.ReviewReason;
import io.gourmetgram.loop.events.WindowType;
import io.gourmetgram.loop.support.problem.ProblemType;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/accuracy?from=&to=&reason=&model=&window=tumbling|rolling}: every published window
 * (the global store every instance holds, so each instance gives the same complete answer), oldest first. {@code model} matches an id or id:version;
 * {@code reason} keeps windows with labels for that reason. At most {@code limit} windows are answered (default
 * {@value #DEFAULT_LIMIT}, at most {@value #MAX_LIMIT}): the most recent ones, with the number that matched in
 * {@code X-Total-Count}, so an unbounded query on a long history stays a bounded answer.
 */
@RestController
public class AccuracyController {

    static final int DEFAULT_LIMIT = 1000;
    static final int MAX_LIMIT = 10_000;

    private final AccuracyStreams streams;

    public AccuracyController(AccuracyStreams streams) {
        this.streams = streams;
    }

    @GetMapping("/api/accuracy")
    public ResponseEntity<?> windows(
            @RequestParam(required = false) String from,
            @RequestParam(required = false) String to,
            @RequestParam(required = false) String reason,
            @RequestParam(required = false) String model,
            @RequestParam(defaultValue = "tumbling") String window,
            @RequestParam(defaultValue = "" + DEFAULT_LIMIT) int limit) {
        WindowType windowType = WindowType.fromWireName(window).orElse(null);
        if (windowType == null) {
            return ProblemType.INVALID_ACCURACY_QUERY.response(
                    "window must be one of " + WindowType.wireNames() + ", not '" + window + "'");
        }
        if (reason != null && ReviewReason.fromWireName(reason).isEmpty()) {
            return ProblemType.INVALID_ACCURACY_QUERY.response(
                    "reason must be one of " + ReviewReason.wireNames() + ", not '" + reason + "'");
        }
        Instant since;
        Instant until;
        try {
            since = from == null ? Instant.MIN : Instant.parse(from);
            until = to == null ? Instant.MAX : Instant.parse(to);
        } catch (DateTimeParseException e) {
            return ProblemType.INVALID_ACCURACY_QUERY.response(
                    "from and to are ISO-8601 instants like 2026-11-24T10:00:00Z");
        }
        if (since.isAfter(until)) {
            return ProblemType.INVALID_ACCURACY_QUERY.response(
                    "from (" + from + ") is after to (" + to + "): no window can match");
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            return ProblemType.INVALID_ACCURACY_QUERY.response(
                    "limit must be between 1 and " + MAX_LIMIT + ", not " + limit);
        }
        // The most recent `limit` matches, kept in a heap whose head is the oldest, so memory stays bounded.
        PriorityQueue<AccuracyWindow> found = new PriorityQueue<>(Comparator.comparing(AccuracyWindow::windowStart));
        long matched = 0;
        // Every instance holds every window (a global store), so any instance answers completely.
        try (KeyValueIterator<String, AccuracyWindow> all =
                streams.allWindows(windowType).all()) {
            while (all.hasNext()) {
                AccuracyWindow w = all.next().value;
                if (w != null
                        && !w.windowStart().isBefore(since)
                        && !w.windowEnd().isAfter(until)
                        && (model == null
                                || model.equals(w.model().id())
                                || model.equals(w.model().qualifiedName()))
                        && (reason == null
                                || w.byReason().containsKey(reason)
                                        && w.byReason().get(reason).labelled() > 0)) {
                    matched++;
                    found.add(w);
                    if (found.size() > limit) {
                        found.poll();
                    }
                }
            }
        } catch (IllegalStateException e) {
            return ProblemType.ACCURACY_NOT_READY.response(e.getMessage());
        }
        List<AccuracyWindow> answer = new ArrayList<>(found);
        answer.sort(Comparator.comparing(AccuracyWindow::windowStart));
        return ResponseEntity.ok()
                .header("X-Total-Count", Long.toString(matched))
                .body(answer);
    }
}
