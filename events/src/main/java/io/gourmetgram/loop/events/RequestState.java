package io.gourmetgram.loop.events;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Whether a labeling request should become a task for annotators. */
public enum RequestState {
    /** Send it to annotators. */
    @JsonProperty("open")
    OPEN,
    /** Selected, but over the annotator budget: recorded for accounting, not labelled. */
    @JsonProperty("skipped_budget")
    SKIPPED_BUDGET
}
