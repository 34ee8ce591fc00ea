package io.gourmetgram.loop.support.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

/** A killed instance's partitions move on after seconds, not 45 s; settings checked at start-up, naming the variable. */
class GroupMembershipTest {

    private static GroupMembership membership(Map<String, String> env) {
        return GroupMembership.from(env::get);
    }

    @Test
    void unsetMeansATenSecondSessionWithAHeartbeatEveryThreeSecondsAndDynamicMembership() {
        assertThat(membership(Map.of()).consumerSettings())
                .containsEntry(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000")
                .containsEntry(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "3000")
                .doesNotContainKey(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
    }

    @Test
    void anInstanceIdTurnsOnStaticMembershipAndKafkaStreamsGivesEachThreadItsOwn() {
        GroupMembership membership = membership(Map.of(
                "KAFKA_GROUP_INSTANCE_ID",
                "sampling-0",
                "KAFKA_SESSION_TIMEOUT",
                "30s",
                "KAFKA_HEARTBEAT_INTERVAL",
                "5s"));

        Properties streams = new Properties();
        streams.putAll(membership.consumerSettings());
        streams.put(StreamsConfig.APPLICATION_ID_CONFIG, "sampling-streams");
        streams.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9092");
        Map<String, Object> mainConsumer =
                new StreamsConfig(streams).getMainConsumerConfigs("sampling-streams", "c", 1);

        assertThat(mainConsumer)
                .containsEntry(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "sampling-0-1")
                .containsEntry(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "30000")
                .containsEntry(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "5000");
    }

    @Test
    void aHeartbeatTooSlowForTheSessionOrAnUnreadableDurationIsRefusedNamingTheVariable() {
        assertThatThrownBy(() -> membership(Map.of("KAFKA_SESSION_TIMEOUT", "6s", "KAFKA_HEARTBEAT_INTERVAL", "3s")))
                .hasMessageContaining("KAFKA_HEARTBEAT_INTERVAL")
                .hasMessageContaining("a third of KAFKA_SESSION_TIMEOUT");
        assertThatThrownBy(() -> membership(Map.of("KAFKA_SESSION_TIMEOUT", "ten seconds")))
                .hasMessageContaining("KAFKA_SESSION_TIMEOUT must be a duration");
    }
}
