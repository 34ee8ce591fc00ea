package io.gourmetgram.loop.labeling.kafka;

import io.gourmetgram.loop.events.topics.TopicSpec;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a topic from its beginning and keeps reading it, so every replica's memory (receipts, the
 * annotation ledger) includes what the other replicas wrote. {@link #awaitCaughtUp} waits until
 * everything written before the call has been applied: after a rebalance a replica calls it before
 * acting on partitions it was just handed. A record that cannot be read is skipped and counted
 * ({@code gourmetgram.labeling.replay.skipped}), never a reason to stop.
 */
public final class TopicFollower<V> implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TopicFollower.class);

    private final TopicSpec<V> topic;
    private final Consumer<V> sink;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final KafkaClientMetrics metrics;
    private final Counter skipped;
    private final ConcurrentLinkedQueue<CompletableFuture<Void>> requests = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Throwable died;

    public TopicFollower(
            Map<String, Object> consumerConfig, TopicSpec<V> topic, Consumer<V> sink, MeterRegistry meters) {
        this.topic = topic;
        this.sink = sink;
        Map<String, Object> config = new HashMap<>(consumerConfig);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(
                ConsumerConfig.CLIENT_ID_CONFIG,
                "labeling-sink-follow-" + topic.name() + "-" + System.identityHashCode(this));
        this.consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.metrics = new KafkaClientMetrics(consumer);
        metrics.bindTo(meters);
        this.skipped = Counter.builder("gourmetgram.labeling.replay.skipped")
                .tag("topic", topic.name())
                .description("Records of a followed topic that could not be read and were skipped")
                .register(meters);
        this.thread = Thread.ofPlatform().name("follow-" + topic.name()).unstarted(this::follow);
    }

    public TopicFollower<V> start() {
        thread.start();
        return this;
    }

    /** Waits until every record written to the topic before this call has been applied. */
    public void awaitCaughtUp(Duration timeout) {
        if (!thread.isAlive()) {
            throw new IllegalStateException("the follower of " + topic.name() + " is not running", died);
        }
        CompletableFuture<Void> request = new CompletableFuture<>();
        requests.add(request);
        try {
            request.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("Interrupted while catching up with " + topic.name(), e);
        } catch (ExecutionException e) {
            throw new KafkaException(
                    "Could not catch up with " + topic.name() + ": "
                            + e.getCause().getMessage(),
                    e.getCause());
        } catch (TimeoutException e) {
            request.cancel(false);
            throw new KafkaException("Not caught up with " + topic.name() + " within " + timeout);
        }
    }

    /** Null while following; otherwise why it stopped. */
    public String problem() {
        if (thread.isAlive() || !running) {
            return null;
        }
        return "following " + topic.name() + " stopped: " + (died == null ? "unknown reason" : died.toString());
    }

    public double skipped() {
        return skipped.count();
    }

    private void follow() {
        try {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(topic.name(), Duration.ofSeconds(30))
                    .forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            List<Map.Entry<CompletableFuture<Void>, Map<TopicPartition, Long>>> waiting = new ArrayList<>();
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    apply(r);
                }
                for (CompletableFuture<Void> request; (request = requests.poll()) != null; ) {
                    try {
                        waiting.add(Map.entry(request, consumer.endOffsets(partitions, Duration.ofSeconds(10))));
                    } catch (KafkaException e) {
                        request.completeExceptionally(e);
                    }
                }
                for (Iterator<Map.Entry<CompletableFuture<Void>, Map<TopicPartition, Long>>> it = waiting.iterator();
                        it.hasNext(); ) {
                    Map.Entry<CompletableFuture<Void>, Map<TopicPartition, Long>> w = it.next();
                    if (w.getKey().isDone()
                            || w.getValue().entrySet().stream()
                                    .allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                        w.getKey().complete(null);
                        it.remove();
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException | Error e) {
            died = e;
            log.error("Stopped following {}: {}", topic.name(), e.toString(), e);
            requests.forEach(r -> r.completeExceptionally(e));
        }
    }

    private void apply(ConsumerRecord<byte[], byte[]> r) {
        V value;
        try {
            value = topic.valueSerde().deserialize(r.topic(), r.value());
        } catch (RuntimeException e) {
            skipped.increment();
            log.warn("Skipping unreadable record {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
            return;
        }
        if (value != null) {
            sink.accept(value);
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        metrics.close();
        if (!thread.isAlive()) {
            consumer.close(Duration.ofSeconds(5));
        }
    }
}
