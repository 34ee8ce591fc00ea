package io.gourmetgram.loop.ingest.upload;

/**
 * The 202 answer to an upload.
 *
 * @param statusUrl     where to GET the upload and its prediction ({@code ?wait=5s} to wait for it)
 * @param eventsUrl     a server-sent event stream that delivers the prediction as soon as it exists
 * @param feedbackToken the secret to send as {@code X-Feedback-Token} to flag or correct this upload's
 *                      prediction; shown once, never stored in clear
 */
public record UploadReceipt(String uploadId, String statusUrl, String eventsUrl, String feedbackToken) {}
