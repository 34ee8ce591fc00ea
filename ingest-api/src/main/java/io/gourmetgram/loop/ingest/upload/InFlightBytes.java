package io.gourmetgram.loop.ingest.upload;

/**
 * A budget of photo bytes held in memory by uploads being read, checked and stored at once. An
 * upload reserves its size (or the maximum, when the client did not say) before reading, and is
 * refused at once when the budget is spent: the server answers 503 instead of running out of memory.
 */
final class InFlightBytes {

    /** A reservation; closing it returns the bytes. */
    interface Reservation extends AutoCloseable {
        @Override
        void close();
    }

    private final long capacity;
    private long reserved;

    InFlightBytes(long capacity) {
        this.capacity = capacity;
    }

    /** Reserves {@code bytes}, or returns null when they do not fit now. */
    synchronized Reservation tryReserve(long bytes) {
        if (reserved + bytes > capacity) {
            return null;
        }
        reserved += bytes;
        return new Reservation() {
            private boolean released;

            @Override
            public void close() {
                synchronized (InFlightBytes.this) {
                    if (!released) {
                        released = true;
                        reserved -= bytes;
                    }
                }
            }
        };
    }

    synchronized long reserved() {
        return reserved;
    }
}
