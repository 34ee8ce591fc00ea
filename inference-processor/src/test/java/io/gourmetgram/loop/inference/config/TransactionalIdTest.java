package io.gourmetgram.loop.inference.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.env.RandomValuePropertySource;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ClassPathResource;

/**
 * Two instances started with the shipped configuration never share a transactional id (they would
 * fence each other and one would stop), whether or not the host name is exported.
 */
class TransactionalIdTest {

    private static final String PROPERTY = "gourmetgram.inference.transactional-id";

    private static String transactionalIdOfAnInstanceStartedWith(Map<String, Object> env) throws Exception {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("instance environment", env));
        RandomValuePropertySource.addToEnvironment(environment);
        new YamlPropertySourceLoader()
                .load("application.yml", new ClassPathResource("application.yml"))
                .forEach(environment.getPropertySources()::addLast);
        return environment.getProperty(PROPERTY);
    }

    @Test
    void twoInstancesOnTheSameHostGetDifferentIds() throws Exception {
        Map<String, Object> sameHost = Map.of("HOSTNAME", "worker-1");

        String first = transactionalIdOfAnInstanceStartedWith(sameHost);
        String second = transactionalIdOfAnInstanceStartedWith(sameHost);

        assertThat(first).startsWith("inference-processor-worker-1-").isNotEqualTo(second);
        assertThat(second).startsWith("inference-processor-worker-1-");
    }

    @Test
    void anInstanceIdPinsIt() throws Exception {
        assertThat(transactionalIdOfAnInstanceStartedWith(Map.of("INSTANCE_ID", "inference-0")))
                .isEqualTo("inference-processor-inference-0");
    }
}
