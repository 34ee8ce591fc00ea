package io.gourmetgram.loop.localstack;

import io.gourmetgram.loop.events.AccuracyWindow;
import io.gourmetgram.loop.events.EventJson;
import io.gourmetgram.loop.events.LabelingRequest;
import io.gourmetgram.loop.events.Prediction;
import io.gourmetgram.loop.events.RequestState;
import io.gourmetgram.loop.events.ReviewReason;
import io.gourmetgram.loop.events.topics.Topics;
import io.gourmetgram.loop.labeling.fake.FakeLabelStudio;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** What one run of the loop gave, read from its broker, its Label Studio and its accuracy API. */
final class LoopOutputs {

    private static final HttpClient http = HttpClient.newHttpClient();

    /** How a labeling request ended: what two runs over the same input must agree on. */
    record RequestOutcome(
            RequestState state, Set<ReviewReason> reasons, double inclusionProbability, String userCorrection) {

        static RequestOutcome of(LabelingRequest request) {
            Set<ReviewReason> reasons = EnumSet.noneOf(ReviewReason.class);
            request.reasons().forEach(r -> reasons.add(r.reason()));
            return new RequestOutcome(
                    request.state(), reasons, request.inclusionProbability(), request.userCorrection());
        }
    }

    private final String bootstrap;

    LoopOutputs(String bootstrap) {
        this.bootstrap = bootstrap;
    }

    /** Every prediction (at least {@code uploads} of them, and any duplicate written meanwhile). */
    List<Prediction> predictions(int uploads) {
        return new TopicReader(bootstrap).readUntil(Topics.PREDICTIONS, uploads);
    }

    /** Every revision of every labeling request, per upload, in the order written. */
    Map<String, List<LabelingRequest>> requestRevisions() {
        Map<String, List<LabelingRequest>> revisions = new HashMap<>();
        new TopicReader(bootstrap)
                .readAll(Topics.LABELING_REQUESTS, Duration.ofSeconds(2))
                .forEach(r -> revisions
                        .computeIfAbsent(r.uploadId(), k -> new ArrayList<>())
                        .add(r));
        return revisions;
    }

    /** The latest revision's outcome per upload. */
    Map<String, RequestOutcome> requestOutcomes() {
        Map<String, RequestOutcome> outcomes = new HashMap<>();
        requestRevisions().forEach((id, revisions) -> outcomes.put(id, RequestOutcome.of(revisions.getLast())));
        return outcomes;
    }

    /** The upload id of every Label Studio task, sorted (an upload with two tasks appears twice). */
    static List<String> taskUploads(FakeLabelStudio labelStudio) {
        return labelStudio.tasks().stream()
                .map(t -> t.path("data").path("uploadId").asString())
                .sorted()
                .toList();
    }

    /** {@code GET /api/accuracy?window=…} on the accuracy-streams instance at {@code port}. */
    static List<AccuracyWindow> accuracyWindows(int port, String window) throws Exception {
        HttpResponse<String> answer = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/accuracy?window=" + window))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 200) {
            throw new AssertionError("accuracy API answered " + answer.statusCode() + ": " + answer.body());
        }
        return Arrays.asList(EventJson.mapper().readValue(answer.body(), AccuracyWindow[].class));
    }
}
