package io.gourmetgram.loop.support.topics;

import io.gourmetgram.loop.events.topics.TopicSpec;
import java.time.Duration;
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
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private TopicProvisioner() {
    }

    /**
     * Ensures the given topics exist on a PLAINTEXT broker (the local stack's, benchmarks). Stages use
     * {@link #ensure(Map, Collection)} with their admin settings, which carry the cluster's security.
     */
    public static void ensure(String bootstrapServers, Collection<TopicSpec<?>> topics) {
        ensure(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), topics);
    }

    /**
     * The same, with a stage's full admin settings (bootstrap servers and security, from
     * {@code spring.kafka.*}). Waits for the broker up to the settings' {@code default.api.timeout.ms}, 30 s if unset.
     */
    public static void ensure(Map<String, Object> adminConfig, Collection<TopicSpec<?>> topics) {
        Object timeout = adminConfig.get(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG);
        try (Admin admin = Admin.create(adminConfig)) {
            ensure(admin, topics, timeout == null ? DEFAULT_TIMEOUT : Duration.ofMillis(Long.parseLong(timeout.toString())));
        }
    }

    public static void ensure(Admin admin, Collection<TopicSpec<?>> topics) {
        ensure(admin, topics, DEFAULT_TIMEOUT);
    }

    private static void ensure(Admin admin, Collection<TopicSpec<?>> topics, Duration timeout) {
        long timeoutMs = timeout.toMillis();
        try {
            Set<String> existing = admin.listTopics().names().get(timeoutMs, TimeUnit.MILLISECONDS);
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
                    entry.getValue().get(timeoutMs, TimeUnit.MILLISECONDS);
                    log.info("Created topic {}", entry.getKey());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e; // another replica creating it at the same moment is fine; anything else is not
                    }
                }
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
                throw unreachable(timeout, topics, e.getCause());
            }
            throw new IllegalStateException("Could not create Kafka topics " + topics + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw unreachable(timeout, topics, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topics", e);
        }
    }

    /**
     * A client whose security settings do not match the listener (e.g. PLAINTEXT against SASL) sees only
     * dropped connections, never an error: say what to check.
     */
    private static IllegalStateException unreachable(Duration timeout, Collection<TopicSpec<?>> topics, Throwable cause) {
        return new IllegalStateException("Kafka did not answer within " + timeout.toSeconds()
                + " s while creating topics " + topics + ". Is the broker at bootstrap.servers reachable, and do "
                + "this stage's security settings match its listener? A secured cluster needs SPRING_KAFKA_SECURITY_PROTOCOL "
                + "(SASL_SSL, SASL_PLAINTEXT or SSL) and, for SASL, SPRING_KAFKA_PROPERTIES_SASL_MECHANISM and "
                + "SPRING_KAFKA_PROPERTIES_SASL_JAAS_CONFIG (README: Connecting to a secured Kafka).", cause);
    }
}
