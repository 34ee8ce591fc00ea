package io.gourmetgram.loop.ingest.labels;

import io.gourmetgram.loop.support.labels.ModelLabels;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** The labels a user may pick when correcting a prediction (the web page's dropdown). */
@RestController
class LabelsController {

    record LabelList(List<String> labels) {}

    private final ModelLabels labels;

    LabelsController(ModelLabels labels) {
        this.labels = labels;
    }

    @GetMapping("/api/labels")
    LabelList labels() {
        return new LabelList(labels.labels());
    }
}
