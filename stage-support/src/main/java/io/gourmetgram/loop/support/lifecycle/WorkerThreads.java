package io.gourmetgram.loop.support.lifecycle;

import java.time.Duration;

/** How a stage stops its worker thread (consumer loop, task pusher): written once. */
public final class WorkerThreads {

    private WorkerThreads() {}

    /**
     * Waits up to {@code timeout} for the worker to finish (after it was told to stop); an interrupt
     * of the stopping thread ends the wait and stays set for the caller.
     *
     * @return whether the worker has finished
     */
    public static boolean awaitStop(Thread worker, Duration timeout) {
        if (worker == null) {
            return true;
        }
        try {
            return worker.join(timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !worker.isAlive();
        }
    }
}
