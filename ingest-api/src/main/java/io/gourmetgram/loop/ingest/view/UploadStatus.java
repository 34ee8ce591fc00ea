package io.gourmetgram.loop.ingest.view;

import io.gourmetgram.loop.events.Prediction;
import io.gourmetgram.loop.events.Upload;

/** What this instance knows about one upload: the upload, and its prediction once scored. */
public record UploadStatus(Upload upload, Prediction prediction) {

    public boolean predicted() {
        return prediction != null;
    }
}
