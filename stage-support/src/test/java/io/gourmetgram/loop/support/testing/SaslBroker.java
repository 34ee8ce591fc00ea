package io.gourmetgram.loop.support.testing;

import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.security.plain.PlainLoginModule;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * An embedded KRaft broker whose client listener accepts only SASL/PLAIN (the combined controller
 * listener stays PLAINTEXT), so a test can prove a stage reaches a secured cluster through nothing but
 * the operator's {@code SPRING_KAFKA_*} settings. One principal, {@link #USER}, for the stage and the test.
 */
public final class SaslBroker implements AutoCloseable {

    public static final String USER = "stage";
    public static final String PASSWORD = "stage-secret";

    private final EmbeddedKafkaKraftBroker broker;

    private SaslBroker(EmbeddedKafkaKraftBroker broker) {
        this.broker = broker;
    }

    public static SaslBroker start(int partitions) {
        EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, partitions);
        // The broker talks to itself over the client listener too (transaction markers), as user "broker".
        String jaas = PlainLoginModule.class.getName() + " required username=\"broker\" password=\"broker-secret\""
                + " user_broker=\"broker-secret\" user_" + USER + "=\"" + PASSWORD + "\";";
        broker.brokerProperties(Map.of(
                "listener.security.protocol.map", "EXTERNAL:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT",
                "sasl.enabled.mechanisms", "PLAIN",
                "sasl.mechanism.inter.broker.protocol", "PLAIN",
                "listener.name.external.plain.sasl.jaas.config", jaas,
                "transaction.state.log.replication.factor", "1",
                "transaction.state.log.min.isr", "1"));
        broker.afterPropertiesSet();
        return new SaslBroker(broker);
    }

    public String bootstrapServers() {
        return broker.getBrokersAsString();
    }

    /** Settings for the test's own clients. */
    public Map<String, Object> clientSettings() {
        return Map.of(
                CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers(),
                CommonClientConfigs.SECURITY_PROTOCOL_CONFIG,
                "SASL_PLAINTEXT",
                SaslConfigs.SASL_MECHANISM,
                "PLAIN",
                SaslConfigs.SASL_JAAS_CONFIG,
                jaasConfig(USER, PASSWORD));
    }

    /**
     * The environment an operator gives a stage for this cluster, named as README's "Connecting to a
     * secured Kafka" documents them (bind them with a {@code SystemEnvironmentPropertySource}).
     */
    public Map<String, Object> stageEnvironment() {
        return Map.of(
                "KAFKA_BOOTSTRAP_SERVERS",
                bootstrapServers(),
                "SPRING_KAFKA_SECURITY_PROTOCOL",
                "SASL_PLAINTEXT",
                "SPRING_KAFKA_PROPERTIES_SASL_MECHANISM",
                "PLAIN",
                "SPRING_KAFKA_PROPERTIES_SASL_JAAS_CONFIG",
                jaasConfig(USER, PASSWORD));
    }

    /**
     * The same without the security settings: an operator who forgot them. The admin client gives up
     * after 3 s instead of 30 (a PLAINTEXT client only sees dropped connections), so the test is quick.
     */
    public Map<String, Object> environmentWithoutCredentials() {
        return Map.of(
                "KAFKA_BOOTSTRAP_SERVERS",
                bootstrapServers(),
                "SPRING_KAFKA_ADMIN_PROPERTIES_DEFAULT_API_TIMEOUT_MS",
                "3000",
                "SPRING_KAFKA_ADMIN_PROPERTIES_REQUEST_TIMEOUT_MS",
                "3000");
    }

    /**
     * Runs a stage's Spring application as an operator would start it: {@code environment} as environment
     * variables (relaxed binding as for real ones), {@code args} on the command line.
     */
    public static ConfigurableApplicationContext runStage(
            Class<?> application, Map<String, Object> environment, String... args) {
        SpringApplication app = new SpringApplication(application);
        StandardEnvironment env = new StandardEnvironment();
        // The "-systemEnvironment" suffix makes Spring map SPRING_KAFKA_PROPERTIES_SASL_MECHANISM to sasl.mechanism.
        env.getPropertySources()
                .addFirst(new SystemEnvironmentPropertySource(
                        "operator-" + StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, environment));
        app.setEnvironment(env);
        return app.run(args);
    }

    public static String jaasConfig(String user, String password) {
        return PlainLoginModule.class.getName() + " required username=\"" + user + "\" password=\"" + password + "\";";
    }

    @Override
    public void close() {
        broker.destroy();
    }
}
