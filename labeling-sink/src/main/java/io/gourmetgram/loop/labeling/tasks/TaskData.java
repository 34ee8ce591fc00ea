package io.gourmetgram.loop.labeling.tasks;

import io.gourmetgram.loop.events.LabelingRequest;
import io.gourmetgram.loop.events.ReasonInclusion;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** What a review task carries: {@code data} for the annotator's screen, {@code meta} for us. */
final class TaskData {

    private TaskData() {}

    static Map<String, Object> data(LabelingRequest request, String imageUrl) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("uploadId", request.uploadId());
        data.put("image", imageUrl);
        data.put("predictedLabel", request.prediction().label());
        data.put(
                "confidence",
                String.format(Locale.ROOT, "%.1f%%", request.prediction().confidence() * 100));
        data.put(
                "reasons",
                request.reasons().stream().map(r -> r.reason().wireName()).collect(Collectors.joining(", ")));
        data.put("userCorrection", request.userCorrection() == null ? "none" : request.userCorrection());
        data.put("revision", request.revision());
        data.put("model", request.prediction().model().qualifiedName());
        return data;
    }

    static Map<String, Object> task(LabelingRequest request, String imageUrl) {
        Map<String, Object> task = new LinkedHashMap<>();
        task.put("data", data(request, imageUrl));
        task.put(
                "meta",
                Map.of(
                        "bucket",
                        request.object().bucket(),
                        "key",
                        request.object().key(),
                        "inclusionProbability",
                        request.inclusionProbability(),
                        "reasons",
                        request.reasons().stream()
                                .map(ReasonInclusion::reason)
                                .map(Enum::name)
                                .toList()));
        return task;
    }
}
