package io.gourmetgram.loop.support.topics;

import io.gourmetgram.loop.events.topics.TopicSpec;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

/**
 * How the catalog's topics are laid out on a given cluster — a deployment setting, not part of the
 * contract: how many partitions the topics that scale with uploads get, how many replicas every
 * topic gets, and how many of them must acknowledge a write.
 *
 * <p>Read from the environment ({@code KAFKA_TOPIC_PARTITIONS}, {@code KAFKA_REPLICATION_FACTOR},
 * {@code KAFKA_MIN_INSYNC_REPLICAS}; a JVM system property of the same name wins, for tests). Every
 * stage and the local stack read the same variables, so whichever starts first creates the topics
 * the same way.
 *
 * @param partitions        partitions of every catalog topic declared with more than one; 0 = the catalog's count.
 *                          Topics the catalog declares with one partition (dead letters, retrain signals) keep one:
 *                          they are low-volume and read in order.
 * @param replicationFactor replicas of every topic, Streams' internal topics included; -1 = the broker's
 *                          {@code default.replication.factor}
 * @param minInsyncReplicas replicas that must have a write before it is acknowledged to an {@code acks=all}
 *                          producer; 0 = the broker's default when the replication factor is the broker's,
 *                          otherwise replication factor − 1 (at least 1), so one broker may be down without
 *                          stopping writes and no acknowledged write lives on a single disk
 */
public record TopicLayout(int partitions, short replicationFactor, int minInsyncReplicas) {

    public static final String PARTITIONS_ENV = "KAFKA_TOPIC_PARTITIONS";
    public static final String REPLICATION_FACTOR_ENV = "KAFKA_REPLICATION_FACTOR";
    public static final String MIN_INSYNC_REPLICAS_ENV = "KAFKA_MIN_INSYNC_REPLICAS";

    /** The catalog's partition counts and the broker's replication defaults: right for a one-broker local stack. */
    public static final TopicLayout CATALOG = new TopicLayout(0, (short) -1, 0);

    public TopicLayout {
        if (partitions < 0) {
            throw new IllegalArgumentException(
                    PARTITIONS_ENV + " must be a positive whole number (or unset), was " + partitions);
        }
        if (replicationFactor < 1 && replicationFactor != -1) {
            throw new IllegalArgumentException(REPLICATION_FACTOR_ENV
                    + " must be a positive whole number (or unset for the broker's default), was " + replicationFactor);
        }
        if (minInsyncReplicas < 0 || (replicationFactor > 0 && minInsyncReplicas > replicationFactor)) {
            throw new IllegalArgumentException(MIN_INSYNC_REPLICAS_ENV + " must be between 1 and "
                    + REPLICATION_FACTOR_ENV + " (" + replicationFactor + "), was " + minInsyncReplicas);
        }
    }

    /** The layout this process was configured with (system properties, then environment variables). */
    public static TopicLayout fromEnvironment() {
        return from(name -> Optional.ofNullable(System.getProperty(name)).orElseGet(() -> System.getenv(name)));
    }

    /** @param settings the value of a setting by its environment variable name, or null when unset */
    public static TopicLayout from(UnaryOperator<String> settings) {
        return new TopicLayout(
                number(settings, PARTITIONS_ENV, 0),
                (short) number(settings, REPLICATION_FACTOR_ENV, -1),
                number(settings, MIN_INSYNC_REPLICAS_ENV, 0));
    }

    private static int number(UnaryOperator<String> settings, String name, int unset) {
        String value = settings.apply(name);
        if (value == null || value.isBlank()) {
            return unset;
        }
        try {
            int parsed = Integer.parseInt(value.strip());
            if (parsed < 1) {
                throw new NumberFormatException();
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    name + " must be a positive whole number (or unset), was '" + value + "'");
        }
    }

    /** Partitions a catalog topic gets on this cluster. */
    public int partitionsOf(TopicSpec<?> topic) {
        return partitions > 0 && topic.partitions() > 1 ? partitions : topic.partitions();
    }

    /** The {@code min.insync.replicas} topics get, or empty for the broker's default. */
    public Optional<Integer> effectiveMinInsyncReplicas() {
        if (minInsyncReplicas > 0) {
            return Optional.of(minInsyncReplicas);
        }
        return replicationFactor > 0 ? Optional.of(Math.max(1, replicationFactor - 1)) : Optional.empty();
    }

    /** The topic to create: the catalog's configs (retention, compaction) plus this layout. */
    public NewTopic newTopic(TopicSpec<?> topic) {
        Map<String, String> config = new HashMap<>(topic.config());
        effectiveMinInsyncReplicas()
                .ifPresent(n -> config.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(n)));
        Optional<Short> replicas = replicationFactor > 0 ? Optional.of(replicationFactor) : Optional.empty();
        return new NewTopic(topic.name(), Optional.of(partitionsOf(topic)), replicas).configs(config);
    }

    /**
     * Kafka Streams settings that give its internal topics (changelogs, repartition topics) the same
     * replication, and make its producers wait for every in-sync replica.
     */
    public Map<String, Object> streamsSettings() {
        Map<String, Object> settings = new HashMap<>();
        settings.put("replication.factor", (int) replicationFactor);
        settings.put("producer.acks", "all");
        effectiveMinInsyncReplicas()
                .ifPresent(n -> settings.put("topic." + TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(n)));
        return settings;
    }
}
