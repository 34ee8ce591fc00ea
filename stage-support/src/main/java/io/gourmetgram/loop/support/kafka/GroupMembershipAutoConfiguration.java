package io.gourmetgram.loop.support.kafka;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Gives every stage's consumer groups the same {@link GroupMembership}: it goes into {@code spring.kafka.consumer}
 * and {@code spring.kafka.streams} properties, which every hand-written consumer and Streams app starts from
 * ({@code KafkaProperties.build*Properties()}). A value the operator set there explicitly wins.
 */
@AutoConfiguration
@ConditionalOnClass(KafkaProperties.class)
public class GroupMembershipAutoConfiguration {

    @Bean
    static BeanPostProcessor groupMembershipSettings(Environment environment) {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String beanName) {
                if (bean instanceof KafkaProperties kafka) {
                    GroupMembership membership = GroupMembership.from(environment::getProperty);
                    membership.consumerSettings().forEach((name, value) -> {
                        kafka.getConsumer().getProperties().putIfAbsent(name, value);
                        kafka.getStreams().getProperties().putIfAbsent(name, value);
                    });
                }
                return bean;
            }
        };
    }
}
