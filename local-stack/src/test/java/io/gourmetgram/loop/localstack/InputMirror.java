package io.gourmetgram.loop.localstack;

import io.gourmetgram.loop.events.topics.TopicSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Copies topics from one broker to another as they are written, record for record: same key, value,
 * headers, timestamp and partition (both clusters have the same partition count). This is how a
 * second run of the loop gets exactly the same input as the first — ingest-api gives every upload a
 * random id, so uploading the same photos again would not be the same input.
 */
final class InputMirror implements AutoCloseable {

    private final KafkaConsumer<String, byte[]> consumer;
    private final KafkaProducer<String, byte[]> producer;
    private final Map<String, AtomicInteger> copied = new ConcurrentHashMap<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;
    private volatile RuntimeException failure;

    private InputMirror(String from, String to, List<TopicSpec<?>> topics) {
        consumer = TopicReader.committedRecords(from);
        producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, to, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(),
                new ByteArraySerializer());
        consumer.subscribe(topics.stream().map(TopicSpec::name).toList());
        thread = Thread.ofPlatform().name("input-mirror").start(this::copy);
    }

    /** Starts copying {@code topics}, from their beginning, from broker {@code from} to broker {@code to}. */
    static InputMirror start(String from, String to, List<TopicSpec<?>> topics) {
        return new InputMirror(from, to, topics);
    }

    /** Records of this topic copied and acknowledged by the target so far. */
    int copied(TopicSpec<?> topic) {
        if (failure != null) {
            throw failure;
        }
        return copied.getOrDefault(topic.name(), new AtomicInteger()).get();
    }

    private void copy() {
        try {
            while (running.get()) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    producer.send(new ProducerRecord<>(
                                    r.topic(), r.partition(), r.timestamp(), r.key(), r.value(), r.headers()))
                            .get();
                    copied.computeIfAbsent(r.topic(), t -> new AtomicInteger()).incrementAndGet();
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            failure = new IllegalStateException("copying the input to the second broker failed", e);
        } finally {
            consumer.close();
            producer.close();
        }
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        consumer.wakeup();
        thread.join(10_000);
    }
}
