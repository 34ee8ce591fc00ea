package io.gourmetgram.loop.events;

/** Which model produced a prediction. Accuracy is always reported per model version. */
public record ModelRef(String id, String version) {

    /** "id:version", the form used in keys and metric tags. */
    public String qualifiedName() {
        return id + ":" + version;
    }
}
