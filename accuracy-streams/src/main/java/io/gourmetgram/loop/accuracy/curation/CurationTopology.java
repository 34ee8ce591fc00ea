package io.gourmetgram.loop.accuracy.curation;

import io.gourmetgram.loop.events.JsonSerde;
import io.gourmetgram.loop.events.topics.Topics;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * predictions + labeling-requests + annotations → the retraining sets in S3 (no output topic).
 * Its own application id, so copying photos never holds back the accuracy figures.
 */
public final class CurationTopology {

    private CurationTopology() {
    }

    public static Topology build(DatasetStore store, List<String> labels, double confidentAbove, boolean persistent) {
        Topology topology = new Topology();
        topology.addSource("predictions", Serdes.String().deserializer(), Topics.PREDICTIONS.valueSerde(), Topics.PREDICTIONS.name());
        topology.addSource("requests", Serdes.String().deserializer(), Topics.LABELING_REQUESTS.valueSerde(),
                Topics.LABELING_REQUESTS.name());
        topology.addSource("annotations", Serdes.String().deserializer(), Topics.ANNOTATIONS.valueSerde(), Topics.ANNOTATIONS.name());
        topology.addProcessor("curator", () -> new DatasetCurator(store, labels, confidentAbove), "predictions", "requests",
                "annotations");
        topology.addStateStore(Stores.keyValueStoreBuilder(persistent
                        ? Stores.persistentKeyValueStore(DatasetCurator.STATE) : Stores.inMemoryKeyValueStore(DatasetCurator.STATE),
                Serdes.String(), JsonSerde.of(CurationState.class)), "curator");
        return topology;
    }
}
