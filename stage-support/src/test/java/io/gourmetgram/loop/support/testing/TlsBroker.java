package io.gourmetgram.loop.support.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * An embedded KRaft broker whose client listener accepts only TLS with a client certificate (mutual TLS; the
 * combined controller listener stays PLAINTEXT), so a test can prove a stage reaches such a cluster through nothing
 * but the operator's {@code SPRING_KAFKA_SSL_*} settings. Key and trust stores (PKCS12, self-signed, valid for a
 * day, for {@code localhost} and {@code 127.0.0.1}) and their passwords are made by the running JDK's
 * {@code keytool} when the broker starts: nothing secret is kept in the repository.
 */
public final class TlsBroker implements AutoCloseable {

    private final EmbeddedKafkaKraftBroker broker;
    private final Path clientKeyStore;
    private final Path trustStore;
    private final String password;

    private TlsBroker(EmbeddedKafkaKraftBroker broker, Path clientKeyStore, Path trustStore, String password) {
        this.broker = broker;
        this.clientKeyStore = clientKeyStore;
        this.trustStore = trustStore;
        this.password = password;
    }

    /** @param storeDir an empty folder for the stores (a test's temporary folder) */
    public static TlsBroker start(int partitions, Path storeDir) {
        String password = UUID.randomUUID().toString();
        Path brokerKeyStore = storeDir.resolve("broker.p12");
        Path clientKeyStore = storeDir.resolve("stage.p12");
        Path trustStore = storeDir.resolve("truststore.p12");
        keyPair(brokerKeyStore, "broker", "CN=localhost", password);
        keyPair(clientKeyStore, "stage", "CN=stage", password);
        // One trust store for both sides: the broker trusts the stage's certificate, the stage (and the broker talking
        // to itself) the broker's.
        trust(brokerKeyStore, "broker", trustStore, storeDir.resolve("broker.pem"), password);
        trust(clientKeyStore, "stage", trustStore, storeDir.resolve("stage.pem"), password);

        EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, partitions);
        Map<String, String> properties = new HashMap<>();
        properties.put("listener.security.protocol.map", "EXTERNAL:SSL,CONTROLLER:PLAINTEXT");
        properties.put("ssl.client.auth", "required");
        properties.put(SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, "PKCS12");
        properties.put(SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG, brokerKeyStore.toString());
        properties.put(SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG, password);
        properties.put(SslConfigs.SSL_KEY_PASSWORD_CONFIG, password);
        properties.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PKCS12");
        properties.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, trustStore.toString());
        properties.put(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, password);
        properties.put("transaction.state.log.replication.factor", "1");
        properties.put("transaction.state.log.min.isr", "1");
        broker.brokerProperties(properties);
        broker.afterPropertiesSet();
        return new TlsBroker(broker, clientKeyStore, trustStore, password);
    }

    public String bootstrapServers() {
        return broker.getBrokersAsString();
    }

    /** Settings for the test's own clients (the same certificate as the stage's). */
    public Map<String, Object> clientSettings() {
        return Map.of(
                CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers(),
                CommonClientConfigs.SECURITY_PROTOCOL_CONFIG,
                "SSL",
                SslConfigs.SSL_KEYSTORE_TYPE_CONFIG,
                "PKCS12",
                SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG,
                clientKeyStore.toString(),
                SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG,
                password,
                SslConfigs.SSL_KEY_PASSWORD_CONFIG,
                password,
                SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG,
                "PKCS12",
                SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG,
                trustStore.toString(),
                SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG,
                password);
    }

    /**
     * The environment an operator gives a stage for this cluster, named as README's "Connecting to a secured Kafka"
     * documents them (run the stage with {@link SaslBroker#runStage}).
     */
    public Map<String, Object> stageEnvironment() {
        return Map.of(
                "KAFKA_BOOTSTRAP_SERVERS",
                bootstrapServers(),
                "SPRING_KAFKA_SECURITY_PROTOCOL",
                "SSL",
                "SPRING_KAFKA_SSL_TRUST_STORE_LOCATION",
                "file:" + trustStore,
                "SPRING_KAFKA_SSL_TRUST_STORE_PASSWORD",
                password,
                "SPRING_KAFKA_SSL_TRUST_STORE_TYPE",
                "PKCS12",
                "SPRING_KAFKA_SSL_KEY_STORE_LOCATION",
                "file:" + clientKeyStore,
                "SPRING_KAFKA_SSL_KEY_STORE_PASSWORD",
                password,
                "SPRING_KAFKA_SSL_KEY_STORE_TYPE",
                "PKCS12",
                "SPRING_KAFKA_SSL_KEY_PASSWORD",
                password);
    }

    private static void keyPair(Path keyStore, String alias, String name, String password) {
        keytool(
                "-genkeypair",
                "-alias",
                alias,
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                name,
                "-ext",
                "SAN=dns:localhost,ip:127.0.0.1",
                "-validity",
                "1",
                "-storetype",
                "PKCS12",
                "-keystore",
                keyStore.toString(),
                "-storepass",
                password,
                "-keypass",
                password);
    }

    private static void trust(Path keyStore, String alias, Path trustStore, Path pem, String password) {
        keytool(
                "-exportcert",
                "-rfc",
                "-alias",
                alias,
                "-keystore",
                keyStore.toString(),
                "-storepass",
                password,
                "-file",
                pem.toString());
        keytool(
                "-importcert",
                "-noprompt",
                "-alias",
                alias,
                "-file",
                pem.toString(),
                "-storetype",
                "PKCS12",
                "-keystore",
                trustStore.toString(),
                "-storepass",
                password);
    }

    private static void keytool(String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        try {
            Process process =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("keytool " + args[0] + " failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        broker.destroy();
    }
}
