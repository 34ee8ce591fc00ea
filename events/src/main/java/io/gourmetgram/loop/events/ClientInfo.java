package io.gourmetgram.loop.events;

/** Who sent feedback, as far as the HTTP request tells; for abuse analysis, never for authorization. */
public record ClientInfo(String userAgent, String remoteAddress) {}
