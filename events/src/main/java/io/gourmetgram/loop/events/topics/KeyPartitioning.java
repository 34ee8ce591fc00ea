package io.gourmetgram.loop.events.topics;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Utils;

/**
 * Where a key must be written: the partition the Java client's default partitioner gives it
 * (murmur2 of the UTF-8 key bytes, made positive, modulo the partition count). Stages join
 * per-upload topics by key, which works only if every producer places keys this way. librdkafka's
 * default ({@code consistent_random}, CRC32 — kcat, confluent-kafka-python, most Go clients) does
 * not; such producers must set {@code partitioner=murmur2_random} (kcat:
 * {@code -X topic.partitioner=murmur2_random}).
 */
public final class KeyPartitioning {

    private KeyPartitioning() {}

    /** The partition {@code key} belongs on in a topic of {@code partitions} partitions. */
    public static int partitionOf(String key, int partitions) {
        if (partitions < 1) {
            throw new IllegalArgumentException("a topic has at least one partition, not " + partitions);
        }
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }
}
