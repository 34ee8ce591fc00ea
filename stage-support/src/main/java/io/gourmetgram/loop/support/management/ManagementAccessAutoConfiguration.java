package io.gourmetgram.loop.support.management;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/**
 * Binds {@link ManagementAccess} in every stage's main context, so a bad token stops startup before
 * anything listens; {@link ManagementAccessConfiguration} uses it on the management port.
 */
@AutoConfiguration
@EnableConfigurationProperties(ManagementAccess.class)
public class ManagementAccessAutoConfiguration {}
