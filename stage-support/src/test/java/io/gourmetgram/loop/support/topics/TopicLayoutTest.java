package io.gourmetgram.loop.support.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gourmetgram.loop.events.topics.Topics;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

/** Partition count and replication are deployment settings, read from the environment and checked at start-up. */
class TopicLayoutTest {

    private static TopicLayout layout(Map<String, String> env) {
        return TopicLayout.from(env::get);
    }

    @Test
    void unsetMeansTheCatalogCountsAndTheBrokersReplicationDefaults() {
        TopicLayout layout = layout(Map.of());

        assertThat(layout).isEqualTo(TopicLayout.CATALOG);
        NewTopic uploads = layout.newTopic(Topics.UPLOADS);
        assertThat(uploads.numPartitions()).isEqualTo(Topics.UPLOADS.partitions());
        assertThat(uploads.replicationFactor()).isEqualTo((short) -1);
        assertThat(uploads.configs()).doesNotContainKey("min.insync.replicas");
    }

    @Test
    void aReplicatedClusterGetsTheConfiguredPartitionsAndOneReplicaOfSlackInMinInsync() {
        TopicLayout layout = layout(Map.of("KAFKA_TOPIC_PARTITIONS", "12", "KAFKA_REPLICATION_FACTOR", "3"));

        NewTopic predictions = layout.newTopic(Topics.PREDICTIONS);
        assertThat(predictions.numPartitions()).isEqualTo(12);
        assertThat(predictions.replicationFactor()).isEqualTo((short) 3);
        assertThat(predictions.configs())
                .containsEntry("min.insync.replicas", "2")
                .containsAllEntriesOf(Topics.PREDICTIONS.config());
        assertThat(layout.newTopic(Topics.LABELING_REQUESTS).configs()).containsEntry("cleanup.policy", "compact");
        assertThat(layout.streamsSettings())
                .containsEntry("replication.factor", 3)
                .containsEntry("topic.min.insync.replicas", "2")
                .containsEntry("producer.acks", "all");
    }

    @Test
    void singlePartitionTopicsKeepOnePartition() {
        TopicLayout layout = layout(Map.of("KAFKA_TOPIC_PARTITIONS", "6"));

        assertThat(layout.partitionsOf(Topics.INFERENCE_DEAD_LETTER)).isEqualTo(1);
        assertThat(layout.partitionsOf(Topics.RETRAIN_SIGNALS)).isEqualTo(1);
        assertThat(layout.partitionsOf(Topics.ANNOTATIONS)).isEqualTo(6);
    }

    @Test
    void anExplicitMinInsyncReplicasWins() {
        TopicLayout layout = layout(Map.of("KAFKA_REPLICATION_FACTOR", "5", "KAFKA_MIN_INSYNC_REPLICAS", "3"));

        assertThat(layout.newTopic(Topics.UPLOADS).configs()).containsEntry("min.insync.replicas", "3");
    }

    @Test
    void badValuesNameTheEnvironmentVariable() {
        assertThatThrownBy(() -> layout(Map.of("KAFKA_TOPIC_PARTITIONS", "six")))
                .hasMessageContaining("KAFKA_TOPIC_PARTITIONS")
                .hasMessageContaining("six");
        assertThatThrownBy(() -> layout(Map.of("KAFKA_REPLICATION_FACTOR", "0")))
                .hasMessageContaining("KAFKA_REPLICATION_FACTOR");
        assertThatThrownBy(() -> layout(Map.of("KAFKA_REPLICATION_FACTOR", "2", "KAFKA_MIN_INSYNC_REPLICAS", "3")))
                .hasMessageContaining("KAFKA_MIN_INSYNC_REPLICAS");
    }
}
