package io.gourmetgram.loop.accuracy.topology;

import io.gourmetgram.loop.events.AccuracyWindow;
import io.gourmetgram.loop.events.WindowType;
import io.gourmetgram.loop.events.topics.TopicSpec;
import io.gourmetgram.loop.events.topics.Topics;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.state.Stores;

/**
 * Every accuracy window, on every instance: global stores fed by the compacted output topics.
 *
 * <p>The window totals ({@link AccuracyTopology#WINDOWS}) are partitioned by window and model, so
 * with N instances each holds about 1/N of them. The HTTP API and the gauges answer from these
 * global copies instead, so whichever instance a load balancer picks answers completely and the
 * same. We chose a global store over routing by Streams metadata ({@code application.server} and
 * an HTTP fan-out to the owners) because the data is small (one record per window and model version:
 * ~17,500 a year per model at hourly tumbling + rolling windows) and a fan-out would add an
 * advertised address per instance, an internal endpoint, partial answers whenever any owner is down
 * or rebalancing, and N requests per query. The cost: a query sees a window after its record is
 * committed (the commit interval, 500 ms) rather than the instant its totals change.
 */
public final class AllWindows {

    public static final String TUMBLING = "all-accuracy-tumbling";
    public static final String ROLLING = "all-accuracy-rolling";

    private AllWindows() {}

    static void addTo(StreamsBuilder builder, AccuracySettings settings) {
        add(builder, settings, Topics.ACCURACY_TUMBLING, TUMBLING);
        add(builder, settings, Topics.ACCURACY_ROLLING, ROLLING);
    }

    /** The global store holding every window of this type. */
    public static String storeOf(WindowType type) {
        return type == WindowType.TUMBLING ? TUMBLING : ROLLING;
    }

    private static void add(
            StreamsBuilder builder, AccuracySettings settings, TopicSpec<AccuracyWindow> topic, String store) {
        builder.globalTable(
                topic.name(),
                Consumed.with(Serdes.String(), topic.valueSerde()).withName(store + "-source"),
                Materialized.<String, AccuracyWindow>as(
                                settings.persistent()
                                        ? Stores.persistentKeyValueStore(store)
                                        : Stores.inMemoryKeyValueStore(store))
                        .withKeySerde(Serdes.String())
                        .withValueSerde(topic.valueSerde()));
    }
}
