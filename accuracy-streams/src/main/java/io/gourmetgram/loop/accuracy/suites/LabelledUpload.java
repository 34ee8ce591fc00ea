package io.gourmetgram.loop.accuracy.suites;

import io.gourmetgram.loop.events.Annotation;
import io.gourmetgram.loop.events.LabelingRequest;

/** An upload humans labelled: its latest request (prediction, reasons, inclusion) and the annotation that counts now. */
public record LabelledUpload(LabelingRequest request, Annotation label) {}
