package io.gourmetgram.loop.events;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What happened to an annotation in Label Studio. */
public enum AnnotationAction {
    @JsonProperty("created")
    CREATED,
    @JsonProperty("updated")
    UPDATED,
    /** Retracts the annotation: its label no longer counts. */
    @JsonProperty("deleted")
    DELETED
}
