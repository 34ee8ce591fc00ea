package io.gourmetgram.loop.localstack;

import io.gourmetgram.loop.events.Food11;
import io.gourmetgram.loop.labeling.fake.FakeLabelStudio;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
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
    /** Tasks seen and not yet annotated, oldest first: {task id, first seen}. */
    private final Deque<long[]> thinking = new ArrayDeque<>();
    /** Task ids grow and the fake lists tasks in creation order, so each look reads only the tail past this one. */
    private long newestSeen = Long.MIN_VALUE;

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
            List<ObjectNode> tasks = labelStudio.tasks();
            long now = System.nanoTime();
            int first = tasks.size();
            while (first > 0 && tasks.get(first - 1).path("id").asLong() > newestSeen) {
                first--;
            }
            for (ObjectNode task : tasks.subList(first, tasks.size())) {
                tasked.putIfAbsent(task.path("data").path("uploadId").asString(), now);
                thinking.add(new long[] {task.path("id").asLong(), now});
                newestSeen = task.path("id").asLong();
            }
            while (!thinking.isEmpty() && now - thinking.peek()[1] >= THINKING) {
                String label = Food11.LABELS.get(next++ % Food11.LABELS.size());
                counted.posted(label, System.nanoTime());
                labelStudio.annotate(thinking.poll()[0], label);
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
