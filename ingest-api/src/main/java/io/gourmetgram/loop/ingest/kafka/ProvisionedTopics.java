package io.gourmetgram.loop.ingest.kafka;

import io.gourmetgram.loop.events.topics.TopicSpec;
import java.util.List;

/** The catalog topics this service uses, created (if missing) before anything reads or writes them. */
public record ProvisionedTopics(List<TopicSpec<?>> topics) {
}
