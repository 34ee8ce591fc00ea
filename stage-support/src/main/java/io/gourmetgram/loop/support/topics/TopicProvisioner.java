package io.gourmetgram.loop.support.topics;

import io.gourmetgram.loop.events.topics.TopicSpec;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates catalog topics that do not exist yet; safe to run at every start of every replica.
 *
 * <p>Partition count, replication factor and {@code min.insync.replicas} come from the deployment's
 * {@link TopicLayout} ({@code KAFKA_TOPIC_PARTITIONS}, {@code KAFKA_REPLICATION_FACTOR}, {@code
 * KAFKA_MIN_INSYNC_REPLICAS}); unset, they are the catalog's count and the broker's defaults, right
 * for a one-broker laptop. Existing topics are never changed: adding partitions moves keys to other
 * partitions (an upload's events would no longer meet its state), so a topic that has fewer partitions
 * than configured is reported, and repartitioning is an operator's migration.
 */
public final class TopicProvisioner {

    private static final Logger log = LoggerFactory.getLogger(TopicProvisioner.class);
    private static final long TIMEOUT_SECONDS = 30;

    private TopicProvisioner() {}

    /** Ensures the given topics exist on a PLAINTEXT broker (local stack, benchmarks); stages pass their admin settings. */
    public static void ensure(String bootstrapServers, Collection<TopicSpec<?>> topics) {
        ensure(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), topics);
    }

    /** The same, with a layout other than this process's environment (the local stack passes its stages' settings). */
    public static void ensure(String bootstrapServers, Collection<TopicSpec<?>> topics, TopicLayout layout) {
        try (Admin admin =
                Admin.create(Map.<String, Object>of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            ensure(admin, topics, layout);
        }
    }

    /** The same, with a stage's full admin settings (bootstrap servers and security). */
    public static void ensure(Map<String, Object> adminConfig, Collection<TopicSpec<?>> topics) {
        try (Admin admin = Admin.create(adminConfig)) {
            ensure(admin, topics);
        }
    }

    /**
     * How many partitions each of the topics has on the broker (which may differ from the catalog if
     * they were created by hand): what a key's partition is computed against.
     */
    public static Map<String, Integer> partitionCounts(
            Map<String, Object> adminConfig, Collection<TopicSpec<?>> topics) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        try (Admin admin = Admin.create(adminConfig)) {
            while (true) {
                try {
                    return partitionCounts(admin, List.copyOf(topics));
                } catch (ExecutionException e) {
                    // A topic created a moment ago may not be in every broker's metadata yet.
                    if (!(e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException)
                            || System.nanoTime() > deadline) {
                        throw e;
                    }
                    Thread.sleep(200);
                }
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "Could not describe Kafka topics " + topics + ": "
                            + e.getCause().getMessage(),
                    e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException(
                    "Kafka did not answer within " + TIMEOUT_SECONDS + " s while describing topics " + topics
                            + ". Is the broker at bootstrap.servers reachable?",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while describing topics", e);
        }
    }

    public static void ensure(Admin admin, Collection<TopicSpec<?>> topics) {
        ensure(admin, topics, TopicLayout.fromEnvironment());
    }

    public static void ensure(Admin admin, Collection<TopicSpec<?>> topics, TopicLayout layout) {
        try {
            Set<String> existing = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            warnAboutFewerPartitions(
                    admin,
                    topics.stream().filter(t -> existing.contains(t.name())).toList(),
                    layout);
            List<NewTopic> missing = topics.stream()
                    .filter(t -> !existing.contains(t.name()))
                    .map(layout::newTopic)
                    .toList();
            if (missing.isEmpty()) {
                return;
            }
            var results = admin.createTopics(missing).values();
            for (var entry : results.entrySet()) {
                try {
                    entry.getValue().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                    log.info(
                            "Created topic {}: {} partitions, replication factor {}",
                            entry.getKey(),
                            missing.stream()
                                    .filter(t -> t.name().equals(entry.getKey()))
                                    .findFirst()
                                    .orElseThrow()
                                    .numPartitions(),
                            layout.replicationFactor() > 0 ? layout.replicationFactor() : "the broker's default");
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e; // another replica creating it at the same moment is fine; anything else is not
                    }
                }
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
                throw unreachable(topics, e.getCause()); // the admin client's own default.api.timeout.ms
            }
            throw new IllegalStateException(
                    "Could not create Kafka topics " + topics + ": "
                            + e.getCause().getMessage(),
                    e.getCause());
        } catch (TimeoutException e) {
            throw unreachable(topics, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topics", e);
        }
    }

    /** The real partition count of a topic (which may differ from the catalog's), read from the cluster. */
    public static int partitionCount(Map<String, Object> adminConfig, TopicSpec<?> topic) {
        try (Admin admin = Admin.create(adminConfig)) {
            return partitionCounts(admin, List.of(topic)).get(topic.name());
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "Could not read the partitions of topic " + topic + ": "
                            + e.getCause().getMessage(),
                    e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException(
                    "Kafka did not answer within " + TIMEOUT_SECONDS + " s while reading the partitions of topic "
                            + topic,
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while reading the partitions of topic " + topic, e);
        }
    }

    private static Map<String, Integer> partitionCounts(Admin admin, List<TopicSpec<?>> topics)
            throws ExecutionException, InterruptedException, TimeoutException {
        Map<String, Integer> counts = new HashMap<>();
        if (topics.isEmpty()) {
            return counts;
        }
        var described = admin.describeTopics(
                        topics.stream().map(TopicSpec::name).toList())
                .allTopicNames()
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        described.forEach(
                (name, description) -> counts.put(name, description.partitions().size()));
        return counts;
    }

    private static void warnAboutFewerPartitions(Admin admin, List<TopicSpec<?>> existing, TopicLayout layout)
            throws ExecutionException, InterruptedException, TimeoutException {
        if (layout.partitions() == 0) {
            return;
        }
        Map<String, Integer> counts = partitionCounts(admin, existing);
        for (TopicSpec<?> topic : existing) {
            int actual = counts.getOrDefault(topic.name(), 0);
            if (actual < layout.partitionsOf(topic)) {
                log.warn(
                        "Topic {} has {} partitions, {} asks for {}; it is left as it is (adding partitions moves "
                                + "keys between partitions). At most {} instances of a stage reading it share the work.",
                        topic.name(),
                        actual,
                        TopicLayout.PARTITIONS_ENV,
                        layout.partitionsOf(topic),
                        actual);
            }
        }
    }

    /**
     * A client whose security settings do not match the listener (e.g. PLAINTEXT against SASL) sees only
     * dropped connections, never an error: say what to check.
     */
    private static IllegalStateException unreachable(Collection<TopicSpec<?>> topics, Throwable cause) {
        return new IllegalStateException(
                "Kafka did not answer in time while creating topics " + topics
                        + ". Is the broker at bootstrap.servers reachable, and do this stage's security settings match its "
                        + "listener? A secured cluster needs SPRING_KAFKA_SECURITY_PROTOCOL (SASL_SSL, SASL_PLAINTEXT or SSL) "
                        + "and, for SASL, SPRING_KAFKA_PROPERTIES_SASL_MECHANISM and SPRING_KAFKA_PROPERTIES_SASL_JAAS_CONFIG "
                        + "(README: Connecting to a secured Kafka).",
                cause);
    }
}
