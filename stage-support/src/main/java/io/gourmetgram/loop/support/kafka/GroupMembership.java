package io.gourmetgram.loop.support.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.springframework.boot.convert.DurationStyle;

/**
 * How quickly a consumer group notices that one of a stage's instances is gone, for every consumer group of every
 * stage (hand-written consumers and Kafka Streams apps alike). Kafka's default session timeout is 45 s: a SIGKILLed
 * instance's partitions sit idle that long. The stages use 10 s (heartbeat every 3 s), and optionally static
 * membership, so an instance restarted under the same id takes its partitions back at once, without a rebalance.
 *
 * <p>Read from the environment ({@code KAFKA_SESSION_TIMEOUT}, {@code KAFKA_HEARTBEAT_INTERVAL},
 * {@code KAFKA_GROUP_INSTANCE_ID}); {@link GroupMembershipAutoConfiguration} puts {@link #consumerSettings()} into
 * Spring's consumer and Streams properties, from which every stage builds its clients.
 *
 * @param sessionTimeout    how long the group waits for a silent member before giving its partitions to others.
 *                          Shorter = faster take-over after a crash, but a pause longer than this (GC, a starved CPU)
 *                          costs a rebalance. The broker accepts 6 s to 30 min by default.
 * @param heartbeatInterval how often a member says it is alive; at most a third of the session timeout
 * @param instanceId        static membership ({@code group.instance.id}): stable across restarts of one instance,
 *                          unique among the instances of a stage (e.g. the pod name). A restarted member with the same
 *                          id takes over its partitions at once; a member that is gone for good (scaled down) keeps
 *                          them until the session timeout, since static members do not leave the group on shutdown.
 *                          Empty = dynamic membership.
 */
public record GroupMembership(Duration sessionTimeout, Duration heartbeatInterval, String instanceId) {

    public static final String SESSION_TIMEOUT_ENV = "KAFKA_SESSION_TIMEOUT";
    public static final String HEARTBEAT_INTERVAL_ENV = "KAFKA_HEARTBEAT_INTERVAL";
    public static final String INSTANCE_ID_ENV = "KAFKA_GROUP_INSTANCE_ID";

    public static final GroupMembership DEFAULT =
            new GroupMembership(Duration.ofSeconds(10), Duration.ofSeconds(3), "");

    public GroupMembership {
        if (sessionTimeout.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException(SESSION_TIMEOUT_ENV
                    + " must be at least 1s (brokers accept 6s and more by default), was " + sessionTimeout);
        }
        if (heartbeatInterval.isNegative()
                || heartbeatInterval.isZero()
                || heartbeatInterval.multipliedBy(3).compareTo(sessionTimeout) > 0) {
            throw new IllegalArgumentException(HEARTBEAT_INTERVAL_ENV + " must be positive and at most a third of "
                    + SESSION_TIMEOUT_ENV + " (" + sessionTimeout + "), was " + heartbeatInterval);
        }
        instanceId = instanceId == null ? "" : instanceId.strip();
    }

    /** @param settings the value of a setting by its environment variable name, or null when unset */
    public static GroupMembership from(UnaryOperator<String> settings) {
        return new GroupMembership(
                duration(settings, SESSION_TIMEOUT_ENV, DEFAULT.sessionTimeout()),
                duration(settings, HEARTBEAT_INTERVAL_ENV, DEFAULT.heartbeatInterval()),
                settings.apply(INSTANCE_ID_ENV));
    }

    private static Duration duration(UnaryOperator<String> settings, String name, Duration unset) {
        String value = settings.apply(name);
        if (value == null || value.isBlank()) {
            return unset;
        }
        try {
            return DurationStyle.detectAndParse(value.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    name + " must be a duration such as 10s or 10000ms, was '" + value + "'");
        }
    }

    /**
     * Consumer settings. Kafka Streams passes them to its main consumers and appends the thread index to the
     * instance id; consumers without a group ignore them.
     */
    public Map<String, String> consumerSettings() {
        Map<String, String> settings = new HashMap<>();
        settings.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, Long.toString(sessionTimeout.toMillis()));
        settings.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, Long.toString(heartbeatInterval.toMillis()));
        if (!instanceId.isEmpty()) {
            settings.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instanceId);
        }
        return settings;
    }
}
