package io.gourmetgram.loop.events;

/** One class and its softmax probability. */
public record ScoredLabel(String label, int index, double probability) {}
