package io.gourmetgram.loop.ingest.upload;

import io.gourmetgram.loop.ingest.storage.ObjectStore;
import io.gourmetgram.loop.ingest.view.AnnouncedUploads;
import io.gourmetgram.loop.ingest.view.ViewProperties;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class OrphanSweepConfiguration {

    @Bean
    AnnouncedUploads announcedUploads(OrphanSweepProperties properties, ViewProperties view, Clock clock) {
        // After a restart the feed re-reads only `horizon` of uploads; an event older than that would look missing.
        if (view.horizon().compareTo(properties.memory()) < 0) {
            throw new IllegalStateException("gourmetgram.ingest.view.horizon (" + view.horizon() + ") must be at least"
                    + " gourmetgram.ingest.orphans grace + window + interval (" + properties.memory() + ")");
        }
        return new AnnouncedUploads(properties.memory(), clock);
    }

    @Bean
    SmartLifecycle orphanSweepSchedule(
            ObjectStore store,
            AnnouncedUploads announced,
            OrphanSweepProperties properties,
            Clock clock,
            MeterRegistry meters) {
        OrphanSweeper sweeper = new OrphanSweeper(store, announced, properties, clock, meters);
        return new SmartLifecycle() {
            private ScheduledExecutorService schedule;

            @Override
            public void start() {
                if (!properties.enabled()) {
                    return;
                }
                schedule = Executors.newSingleThreadScheduledExecutor(
                        Thread.ofPlatform().name("orphan-sweep").daemon(true).factory());
                long every = properties.interval().toMillis();
                schedule.scheduleWithFixedDelay(sweeper::sweep, every, every, TimeUnit.MILLISECONDS);
            }

            @Override
            public void stop() {
                if (schedule != null) {
                    schedule.shutdownNow();
                    schedule = null;
                }
            }

            @Override
            public boolean isRunning() {
                return schedule != null;
            }
        };
    }
}
