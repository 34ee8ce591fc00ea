package io.gourmetgram.loop.accuracy.curation;

import io.gourmetgram.loop.events.ObjectRef;

/**
 * What curation knows of an upload (state store {@code curation-state}): where the photo is, what
 * the model said, whether humans were asked, and the copies currently made.
 *
 * @param noisyByPrediction key in production-noisy of the copy filed by predicted label, or null
 * @param humanClassIndex   class of the standing human label, or -1
 */
public record CurationState(
        ObjectRef object,
        int predictedIndex,
        double confidence,
        boolean reviewed,
        String noisyByPrediction,
        int humanClassIndex) {}
