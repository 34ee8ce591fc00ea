package io.gourmetgram.loop.ingest.feedback;

import io.gourmetgram.loop.events.FeedbackKind;
import java.time.Instant;

/** The 202 answer to feedback: what was recorded. */
public record FeedbackReceipt(String uploadId, FeedbackKind kind, String correctedLabel, Instant at) {}
