package io.gourmetgram.loop.localstack;

import io.gourmetgram.loop.events.Food11;
import io.gourmetgram.loop.labeling.fake.FakeLabelStudio;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.node.ObjectNode;

/**
 * A quick annotator for benchmarks: looks at the Label Studio fake's tasks every 20 ms, notes when each
 * upload's task first appeared, and labels it {@link #THINKING} later by saving a choice — which delivers
 * the fake's webhook to labeling-sink, as a person's save in Label Studio would. Labels cycle through
 * Food-11 so that accuracy records can be matched to the annotations they count ({@link CountedAnnotations}).
 */
final class Annotator implements AutoCloseable {

    private static final long LOOK_EVERY_MS = 20;
    /**
     * A person needs seconds to look at a photo. Annotating within milliseconds of the import can beat
     * labeling-sink's own receipt for the task, and such a webhook is dead-lettered ("no receipt").
     */
    static final long THINKING = TimeUnit.SECONDS.toNanos(2);

    private final FakeLabelStudio labelStudio;
    private final CountedAnnotations counted;
    private final Map<String, Long> tasked = new ConcurrentHashMap<>();
    private final Map<Long, Long> seen = new ConcurrentHashMap<>();
    private final Map<Long, Boolean> done = new ConcurrentHashMap<>();
    private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "bench-annotator");
        t.setDaemon(true);
        return t;
    });
    private int next;

    Annotator(FakeLabelStudio labelStudio, CountedAnnotations counted) {
        this.labelStudio = labelStudio;
        this.counted = counted;
        worker.scheduleWithFixedDelay(this::annotateNewTasks, LOOK_EVERY_MS, LOOK_EVERY_MS, TimeUnit.MILLISECONDS);
    }

    /** Upload id → when its task was first seen in Label Studio ({@link System#nanoTime()}); clearable. */
    Map<String, Long> tasked() {
        return tasked;
    }

    private void annotateNewTasks() {
        try {
            for (ObjectNode task : labelStudio.tasks()) {
                long id = task.path("id").asLong();
                long now = System.nanoTime();
                if (seen.putIfAbsent(id, now) == null) {
                    tasked.putIfAbsent(task.path("data").path("uploadId").asString(), now);
                }
                if (now - seen.get(id) < THINKING || done.putIfAbsent(id, Boolean.TRUE) != null) {
                    continue;
                }
                String label = Food11.LABELS.get(next++ % Food11.LABELS.size());
                counted.posted(label, System.nanoTime());
                labelStudio.annotate(id, label);
            }
        } catch (RuntimeException e) {
            System.err.println("Annotator: " + e); // the figures will show annotations missing; keep annotating
        }
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}
