package io.gourmetgram.loop.support.topics;

import io.gourmetgram.loop.events.topics.TopicSpec;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * <p>The replication factor is left to the broker's {@code default.replication.factor}, so the same
 * code is right on a one-broker laptop and on a three-broker cluster.
 */
public final class TopicProvisioner {

    private static final Logger log = LoggerFactory.getLogger(TopicProvisioner.class);
    private static final long TIMEOUT_SECONDS = 30;

    private TopicProvisioner() {
    }

    /** Ensures the given topics exist, connecting with a short-lived admin client. */
    public static void ensure(String bootstrapServers, Collection<TopicSpec<?>> topics) {
        ensure(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), topics);
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
    public static Map<String, Integer> partitionCounts(Map<String, Object> adminConfig, Collection<TopicSpec<?>> topics) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        try (Admin admin = Admin.create(adminConfig)) {
            while (true) {
                try {
                    Map<String, Integer> counts = new java.util.TreeMap<>();
                    admin.describeTopics(topics.stream().map(TopicSpec::name).toList()).allTopicNames()
                            .get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                            .forEach((name, description) -> counts.put(name, description.partitions().size()));
                    return counts;
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
            throw new IllegalStateException("Could not describe Kafka topics " + topics + ": " + e.getCause().getMessage(),
                    e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not answer within " + TIMEOUT_SECONDS
                    + " s while describing topics " + topics + ". Is the broker at bootstrap.servers reachable?", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while describing topics", e);
        }
    }

    public static void ensure(Admin admin, Collection<TopicSpec<?>> topics) {
        try {
            Set<String> existing = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            List<NewTopic> missing = topics.stream()
                    .filter(t -> !existing.contains(t.name()))
                    .map(t -> new NewTopic(t.name(), Optional.of(t.partitions()), Optional.empty()).configs(t.config()))
                    .toList();
            if (missing.isEmpty()) {
                return;
            }
            var results = admin.createTopics(missing).values();
            for (var entry : results.entrySet()) {
                try {
                    entry.getValue().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                    log.info("Created topic {}", entry.getKey());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e; // another replica creating it at the same moment is fine; anything else is not
                    }
                }
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("Could not create Kafka topics " + topics + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not answer within " + TIMEOUT_SECONDS
                    + " s while creating topics " + topics + ". Is the broker at bootstrap.servers reachable?", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topics", e);
        }
    }
}
