package io.gourmetgram.loop.support.topics;

import static org.assertj.core.api.Assertions.assertThat;

import io.gourmetgram.loop.events.topics.Topics;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/** Topics are created on a real broker with the deployment's partition count and replication settings. */
class TopicProvisionerIT {

    private static EmbeddedKafkaKraftBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = new EmbeddedKafkaKraftBroker(1, 1);
        broker.afterPropertiesSet();
    }

    @AfterAll
    static void stopBroker() {
        broker.destroy();
    }

    @Test
    void topicsGetTheConfiguredPartitionsAndMinInsyncReplicasAndExistingOnesAreLeftAlone() throws Exception {
        Map<String, Object> adminConfig =
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString());
        try (Admin admin = Admin.create(adminConfig)) {
            TopicProvisioner.ensure(
                    admin,
                    List.of(Topics.UPLOADS, Topics.LABELING_REQUESTS, Topics.INFERENCE_DEAD_LETTER),
                    new TopicLayout(6, (short) 1, 1));

            assertThat(TopicProvisioner.partitionCount(adminConfig, Topics.UPLOADS))
                    .isEqualTo(6);
            assertThat(TopicProvisioner.partitionCount(adminConfig, Topics.INFERENCE_DEAD_LETTER))
                    .isEqualTo(1);
            Config config = admin.describeConfigs(
                            List.of(new ConfigResource(ConfigResource.Type.TOPIC, Topics.LABELING_REQUESTS.name())))
                    .all()
                    .get()
                    .values()
                    .iterator()
                    .next();
            assertThat(config.get("min.insync.replicas").value()).isEqualTo("1");
            assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");

            // A later start with another count neither fails nor repartitions what exists.
            TopicProvisioner.ensure(admin, List.of(Topics.UPLOADS), new TopicLayout(9, (short) 1, 1));
            assertThat(TopicProvisioner.partitionCount(adminConfig, Topics.UPLOADS))
                    .isEqualTo(6);
        }
    }
}
