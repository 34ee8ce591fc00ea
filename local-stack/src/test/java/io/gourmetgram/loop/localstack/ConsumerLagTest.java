package io.gourmetgram.loop.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The lag command's output and its client settings, without a broker. */
class ConsumerLagTest {

    @Test
    void readsTheSameKafkaSecuritySettingsAsTheStages() {
        var props = ConsumerLag.clientProperties(
                "kafka:9093",
                Map.of(
                        "SPRING_KAFKA_PROPERTIES_SECURITY_PROTOCOL", "SASL_SSL",
                        "SPRING_KAFKA_PROPERTIES_SASL_MECHANISM", "SCRAM-SHA-512",
                        "SPRING_KAFKA_PROPERTIES_SSL_TRUSTSTORE_LOCATION", "/etc/gourmetgram/kafka-tls/truststore.p12",
                        "KAFKA_SASL_PASSWORD", "not a client property"));

        assertThat(props)
                .containsEntry("bootstrap.servers", "kafka:9093")
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("ssl.truststore.location", "/etc/gourmetgram/kafka-tls/truststore.p12")
                .doesNotContainValue("not a client property");
    }

    @Test
    void readsSpringsNamedTlsVariablesAsTheStagesDo() {
        var props = ConsumerLag.clientProperties(
                "kafka:9093",
                Map.of(
                        "SPRING_KAFKA_SECURITY_PROTOCOL", "SSL",
                        "SPRING_KAFKA_SSL_TRUST_STORE_LOCATION", "file:/etc/kafka/truststore.p12",
                        "SPRING_KAFKA_SSL_TRUST_STORE_PASSWORD", "trust-pass",
                        "SPRING_KAFKA_SSL_KEY_STORE_LOCATION", "file:/etc/kafka/consumer-lag.p12",
                        "SPRING_KAFKA_SSL_KEY_PASSWORD", "key-pass"));

        assertThat(props)
                .containsEntry("security.protocol", "SSL")
                .containsEntry("ssl.truststore.location", "/etc/kafka/truststore.p12")
                .containsEntry("ssl.truststore.password", "trust-pass")
                .containsEntry("ssl.keystore.location", "/etc/kafka/consumer-lag.p12")
                .containsEntry("ssl.key.password", "key-pass");
    }

    @Test
    void tableTotalsTheLagOfEachGroup() {
        String table = ConsumerLag.table(List.of(
                new ConsumerLag.Row("labeling-sink", "labeling-requests", 0, 2, 7),
                new ConsumerLag.Row("labeling-sink", "labeling-requests", 1, 4, 5),
                new ConsumerLag.Row("sampling-streams", "predictions", 0, 9, 9)));

        assertThat(table).contains("total lag of labeling-sink: 6").contains("total lag of sampling-streams: 0");
        assertThat(table.lines().filter(l -> l.startsWith("labeling-sink "))).hasSize(2);
    }
}
