package io.gourmetgram.loop.support.kafka;

import org.apache.kafka.common.KafkaException;

/**
 * Kafka did not acknowledge an event.
 *
 * @see #outcomeUnknown()
 */
public class EventNotPublishedException extends KafkaException {

    private final boolean outcomeUnknown;

    EventNotPublishedException(String message, boolean outcomeUnknown, Throwable cause) {
        super(message, cause);
        this.outcomeUnknown = outcomeUnknown;
    }

    /**
     * True when we stopped waiting without an answer, so the event may still be written later; false
     * when the producer reported a failure, so the event will not appear.
     */
    public boolean outcomeUnknown() {
        return outcomeUnknown;
    }
}
