package io.gourmetgram.loop.ingest.view;

import io.gourmetgram.loop.support.deadletter.DeadLetterPublisher;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class ViewConfiguration {

    @Bean
    UploadView uploadView(ViewProperties properties, MeterRegistry meters) {
        UploadView view = new UploadView(
                properties.maxEntries(),
                task -> Thread.ofVirtual().name("upload-view-notifier").start(task));
        Gauge.builder("gourmetgram.ingest.view.entries", view, UploadView::size)
                .description("Uploads held in this instance's local view")
                .register(meters);
        return view;
    }

    @Bean
    UploadViewFeed uploadViewFeed(
            KafkaProperties kafka,
            UploadView view,
            AnnouncedUploads announced,
            DeadLetterPublisher deadLetters,
            ViewProperties properties,
            Clock clock,
            MeterRegistry meters) {
        return new UploadViewFeed(
                kafka.buildConsumerProperties(), view, announced, deadLetters, properties.horizon(), clock, meters);
    }
}
