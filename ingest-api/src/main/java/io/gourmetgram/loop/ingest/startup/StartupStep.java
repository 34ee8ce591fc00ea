package io.gourmetgram.loop.ingest.startup;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Something to prepare in an external system (topics, the bucket) before the service reads Kafka or
 * takes requests. Steps run after every bean, and so every configuration record, has been created
 * and validated: a configuration mistake is reported at once instead of after a connection timeout.
 */
public final class StartupStep implements SmartLifecycle {

    /** Before the Kafka view feed (phase 0) and the web server (near {@link #DEFAULT_PHASE}). */
    public static final int PHASE = -100;

    private static final Logger log = LoggerFactory.getLogger(StartupStep.class);

    private final String description;
    private final Runnable step;
    private volatile boolean done;

    public StartupStep(String description, Runnable step) {
        this.description = description;
        this.step = step;
    }

    @Override
    public void start() {
        step.run();
        done = true;
        log.info("Ready: {}", description);
    }

    @Override
    public void stop() {
        done = false;
    }

    @Override
    public boolean isRunning() {
        return done;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}
