package io.gourmetgram.loop.ingest.view;

import io.gourmetgram.loop.events.Prediction;
import io.gourmetgram.loop.events.Upload;

/**
 * What the view knows about one upload id. Either part may be missing: predictions and uploads come
 * from different topics and can arrive in either order.
 */
public record KnownUpload(Upload upload, Prediction prediction) {

    KnownUpload withUpload(Upload upload) {
        return new KnownUpload(upload, prediction);
    }

    KnownUpload withPrediction(Prediction prediction) {
        return new KnownUpload(upload, prediction);
    }
}
