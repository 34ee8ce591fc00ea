package io.gourmetgram.loop.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.FileSystemResource;

/**
 * Every stage's own configuration (its application.yml, as its jar runs it) follows the management-port
 * convention: actuator on HTTP port + 1000 unless MANAGEMENT_SERVER_PORT says otherwise, health details
 * only when authorized by MANAGEMENT_TOKEN, and probe groups that need no token.
 */
class ManagementPortConventionTest {

    static Iterable<Stage> stages() {
        return StackConfig.parse(new String[0], Map.of()).stages();
    }

    @ParameterizedTest
    @MethodSource("stages")
    void actuatorOnHttpPortPlusAThousandWithDetailsOnlyForTheToken(Stage stage) throws Exception {
        StandardEnvironment unset = stageEnvironment(stage, Map.of());
        StandardEnvironment operator =
                stageEnvironment(stage, Map.of("MANAGEMENT_TOKEN", "t".repeat(40), "MANAGEMENT_SERVER_PORT", "19999"));

        assertThat(unset.getProperty("management.server.port", Integer.class))
                .isEqualTo(unset.getProperty("server.port", Integer.class) + 1000)
                .isEqualTo(stage.managementPort());
        assertThat(operator.getProperty("management.server.port")).isEqualTo("19999");
        assertThat(unset.getProperty("gourmetgram.management.token")).isEmpty();
        assertThat(operator.getProperty("gourmetgram.management.token")).isEqualTo("t".repeat(40));
        assertThat(unset.getProperty("management.endpoint.health.show-details")).isEqualTo("when-authorized");
        assertThat(unset.getProperty("management.endpoint.health.show-components"))
                .isEqualTo("when-authorized");
        assertThat(unset.getProperty("management.endpoint.health.probes.enabled"))
                .isEqualTo("true");
        assertThat(unset.getProperty("management.endpoints.web.exposure.include"))
                .contains("health", "prometheus");
    }

    private static StandardEnvironment stageEnvironment(Stage stage, Map<String, Object> variables) throws Exception {
        Path yml = Path.of("..", stage.module(), "src", "main", "resources", "application.yml");
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
        environment.getPropertySources().addFirst(new MapPropertySource("variables", variables));
        new YamlPropertySourceLoader()
                .load(stage.module(), new FileSystemResource(yml))
                .forEach(environment.getPropertySources()::addLast);
        return environment;
    }
}
