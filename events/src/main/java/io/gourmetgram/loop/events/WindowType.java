package io.gourmetgram.loop.events;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The two kinds of accuracy window; {@link #wireName()} is their name in events, topics and the API. */
public enum WindowType {
    /** Back-to-back windows of one size (topic {@code accuracy-tumbling}). */
    @JsonProperty("tumbling")
    TUMBLING("tumbling"),
    /** Overlapping windows that advance by a step (topic {@code accuracy-rolling}). */
    @JsonProperty("rolling")
    ROLLING("rolling");

    private final String wireName;

    WindowType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static List<String> wireNames() {
        return Arrays.stream(values()).map(WindowType::wireName).toList();
    }

    public static Optional<WindowType> fromWireName(String name) {
        return Arrays.stream(values()).filter(t -> t.wireName.equals(name)).findFirst();
    }
}
