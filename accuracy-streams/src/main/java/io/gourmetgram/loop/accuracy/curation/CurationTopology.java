package io.gourmetgram.loop.accuracy.curation;

import io.gourmetgram.loop.events.Annotation;
import io.gourmetgram.loop.events.JsonSerde;
import io.gourmetgram.loop.events.LabelingRequest;
import io.gourmetgram.loop.events.Prediction;
import io.gourmetgram.loop.events.topics.Topics;
import io.gourmetgram.loop.support.streams.UploadKeyCheck;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * predictions + labeling-requests + annotations → the retraining sets in S3 (no output topic).
 * Its own application id, so copying photos never holds back the accuracy figures.
 */
public final class CurationTopology {

    private CurationTopology() {}

    public static Topology build(DatasetStore store, List<String> labels, double confidentAbove, boolean persistent) {
        Topology topology = new Topology();
        topology.addSource(
                "predictions",
                Serdes.String().deserializer(),
                Topics.PREDICTIONS.valueSerde(),
                Topics.PREDICTIONS.name());
        topology.addSource(
                "requests",
                Serdes.String().deserializer(),
                Topics.LABELING_REQUESTS.valueSerde(),
                Topics.LABELING_REQUESTS.name());
        topology.addSource(
                "annotations",
                Serdes.String().deserializer(),
                Topics.ANNOTATIONS.valueSerde(),
                Topics.ANNOTATIONS.name());
        topology.addProcessor(
                "predictions-keyed-by-upload",
                UploadKeyCheck.of(Topics.PREDICTIONS, Prediction::uploadId),
                "predictions");
        topology.addProcessor(
                "requests-keyed-by-upload",
                UploadKeyCheck.of(Topics.LABELING_REQUESTS, LabelingRequest::uploadId),
                "requests");
        topology.addProcessor(
                "annotations-keyed-by-upload",
                UploadKeyCheck.of(Topics.ANNOTATIONS, Annotation::uploadId),
                "annotations");
        topology.addProcessor(
                "curator",
                () -> new DatasetCurator(store, labels, confidentAbove),
                "predictions-keyed-by-upload",
                "requests-keyed-by-upload",
                "annotations-keyed-by-upload");
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                        persistent
                                ? Stores.persistentKeyValueStore(DatasetCurator.STATE)
                                : Stores.inMemoryKeyValueStore(DatasetCurator.STATE),
                        Serdes.String(),
                        JsonSerde.of(CurationState.class)),
                "curator");
        return topology;
    }
}
