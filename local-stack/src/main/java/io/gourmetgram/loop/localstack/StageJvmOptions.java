package io.gourmetgram.loop.localstack;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JVM options each stage's child JVM gets from the local stack. Without them every stage takes the
 * JVM's defaults for a whole machine (G1, a maximum heap of ¼ of RAM, an initial heap of 1/64 of it), and
 * five of them sat at 1.3 GB resident while idle. Each stage is sized for its work; {@code <STAGE>_JVM_OPTIONS}
 * (e.g. {@code INFERENCE_JVM_OPTIONS="-Xmx1g"}) replaces a stage's options, an empty value gives it the JVM's
 * defaults.
 */
public record StageJvmOptions(Map<String, List<String>> byModule) {

    /** Options every stage shares: see local-stack/README.md, "Memory", for what each bought. */
    static final List<String> COMMON = List.of(
            // One collector thread, no remembered sets or region tables: the smallest footprint for small heaps.
            "-XX:+UseSerialGC",
            // The heap starts small and grows with the work (the default initial heap of 1/64 of RAM is touched
            // by the first young collections whether the stage needs it or not).
            "-Xms16m",
            "-XX:MaxHeapFreeRatio=30",
            "-XX:MinHeapFreeRatio=10",
            // Kafka, Tomcat and Spring threads never need the 1 MB default stack.
            "-Xss512k",
            "-XX:ReservedCodeCacheSize=64m",
            "-XX:MaxMetaspaceSize=192m");

    /**
     * Maximum heap per stage. inference-processor decodes photos of up to 40 MP (ingest-api's limit) on two
     * threads, 120 MB of pixels each at full scale, with the next batch's bytes fetched meanwhile; ingest-api
     * holds up to 128 MB of upload bodies in flight ({@code INGEST_UPLOAD_MAX_IN_FLIGHT_BYTES}).
     */
    static final Map<String, String> MAX_HEAP = Map.of(
            "ingest-api", "-Xmx320m",
            "inference-processor", "-Xmx512m",
            "sampling-streams", "-Xmx128m",
            "labeling-sink", "-Xmx160m",
            "accuracy-streams", "-Xmx192m");

    /**
     * Stages whose JIT stops at C1. The lead's local-stack run (324 uploads after as many to warm up, CPU ms per image,
     * local-stack README "Memory"): C2 compiling was ~half of accuracy-streams' CPU, and C1 alone cut accuracy-streams
     * 6.8–8.5 → 2.4–3.2, sampling-streams 2.2–2.4 → 0.8–1.1 and each light stage's idle RSS by 35–60 MB.
     * inference-processor keeps C2 (its resampler is a hot Java loop over every pixel), and so does ingest-api: every
     * byte of a photo goes through SHA-256, which only C2 compiles to the CPU's SHA instructions (ingest-api README,
     * Throughput: at saturation C1 cost 1.43 against 0.85 CPU ms per 91 KB upload; at 25 uploads/s they were even).
     */
    static final java.util.Set<String> C1_ONLY =
            java.util.Set.of("sampling-streams", "labeling-sink", "accuracy-streams");

    /**
     * Environment every stage gets (a variable already in the stack's environment wins): glibc keeps one malloc
     * arena per core-multiple of threads (8 × cores), each holding freed memory; two are plenty for these stages.
     */
    static final Map<String, String> ENVIRONMENT = Map.of("MALLOC_ARENA_MAX", "2");

    /** The variable that replaces a stage's options: {@code <STAGE>_JVM_OPTIONS}. */
    static final Map<String, String> VARIABLES = Map.of(
            "ingest-api", "INGEST_JVM_OPTIONS",
            "inference-processor", "INFERENCE_JVM_OPTIONS",
            "sampling-streams", "SAMPLING_JVM_OPTIONS",
            "labeling-sink", "LABELING_JVM_OPTIONS",
            "accuracy-streams", "ACCURACY_JVM_OPTIONS");

    public StageJvmOptions {
        byModule = Map.copyOf(byModule);
    }

    /** Each stage's default options, replaced by its {@code <STAGE>_JVM_OPTIONS} when that is set. */
    public static StageJvmOptions from(Map<String, String> env) {
        Map<String, List<String>> options = new LinkedHashMap<>();
        for (Stage stage : Stage.ALL) {
            String module = stage.module();
            String override = env.get(VARIABLES.get(module));
            options.put(module, override != null ? split(override) : defaults(module));
        }
        return new StageJvmOptions(options);
    }

    /** The defaults alone (no overrides). */
    public static StageJvmOptions defaults() {
        return from(Map.of());
    }

    /** Options for a module; none (the JVM's defaults) for a module this class does not know. */
    public List<String> of(String module) {
        return byModule.getOrDefault(module, List.of());
    }

    static List<String> defaults(String module) {
        List<String> options = new java.util.ArrayList<>(COMMON);
        options.add(MAX_HEAP.get(module));
        if (C1_ONLY.contains(module)) {
            options.add("-XX:TieredStopAtLevel=1");
        }
        return List.copyOf(options);
    }

    private static List<String> split(String options) {
        return Arrays.stream(options.trim().split("\\s+"))
                .filter(s -> !s.isEmpty())
                .toList();
    }
}
