package io.gourmetgram.loop.localstack;

import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How the local stack runs: where its data lives, its ports, where the stage jars are, and which
 * stages to start. Parsed from command-line flags; see {@link #USAGE}.
 */
public record StackConfig(
        Path repoRoot,
        Path dataDir,
        int kafkaPort,
        int controllerPort,
        int s3Port,
        List<Stage> stages,
        Map<String, String> passThroughEnv,
        Duration startTimeout,
        StageJvmOptions jvmOptions,
        boolean startupArchives) {

    /** How long each stage may take from launch to a healthy {@code /actuator/health}. */
    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofMinutes(2);

    /**
     * The default JVM options ({@code <STAGE>_JVM_OPTIONS} not consulted) and start timeout: {@code
     * LOCAL_STACK_START_TIMEOUT} when set (so tests and benchmarks on a loaded machine can wait longer), else 2 min.
     */
    public StackConfig(
            Path repoRoot,
            Path dataDir,
            int kafkaPort,
            int controllerPort,
            int s3Port,
            List<Stage> stages,
            Map<String, String> passThroughEnv) {
        this(
                repoRoot,
                dataDir,
                kafkaPort,
                controllerPort,
                s3Port,
                stages,
                passThroughEnv,
                startTimeout(System.getenv()),
                StageJvmOptions.defaults(),
                false);
    }

    /** The same, with another start timeout (a loaded machine starts JVMs slowly). */
    public StackConfig withStartTimeout(Duration timeout) {
        return new StackConfig(
                repoRoot,
                dataDir,
                kafkaPort,
                controllerPort,
                s3Port,
                stages,
                passThroughEnv,
                timeout,
                jvmOptions,
                startupArchives);
    }

    /** The same, with these JVM options per stage. */
    public StackConfig withJvmOptions(StageJvmOptions options) {
        return new StackConfig(
                repoRoot,
                dataDir,
                kafkaPort,
                controllerPort,
                s3Port,
                stages,
                passThroughEnv,
                startTimeout,
                options,
                startupArchives);
    }

    /**
     * Where the stages' start-up archives ({@link StartupArchive}) are kept when {@link #startupArchives()} is on: for
     * {@code ./run-local-stack} unless {@code LOCAL_STACK_STARTUP_ARCHIVE=off}; off for tests and benchmarks, whose
     * data directory lives for one start.
     */
    public Path startupArchiveDir() {
        return dataDir.resolve("startup-archives");
    }

    static final String USAGE = """
            Usage: java -jar local-stack/target/local-stack-exec.jar [options]
              --data-dir DIR       where Kafka, S3 and logs keep their data (default .local-stack)
              --kafka-port N       Kafka bootstrap port (default 9092; the controller uses N+1)
              --s3-port N          S3 port (default 9000)
              --only a,b           start only these stages (default: all whose jar is built)
              --stage-ports N      stages listen on N, N+1, … in the order above (default 8080; management +1000)
              --start-timeout D    how long each stage may take to become healthy (default 2m; e.g. 300s, 5m)
              --help               this text
            Label Studio settings are passed to labeling-sink from the environment:
              LABEL_STUDIO_URL, LABEL_STUDIO_API_KEY, LABEL_STUDIO_WEBHOOK_SECRET, LABELING_PUBLIC_URL
            New topics get KAFKA_TOPIC_PARTITIONS partitions when it is set (default: the catalog's 3).
            A stage's JVM options (heap, GC) are replaced by <STAGE>_JVM_OPTIONS, e.g. INFERENCE_JVM_OPTIONS=-Xmx1g;
            LOCAL_STACK_START_TIMEOUT sets the default of --start-timeout.
            Each stage starts from a start-up archive (AOT cache / CDS) in DATA-DIR/startup-archives, made on the
            first start after a build; LOCAL_STACK_STARTUP_ARCHIVE=off starts them from their exec jars instead.
            """;

    /** Variables passed from the launcher's environment to the stages when set. */
    static final List<String> PASS_THROUGH = List.of(
            "LABEL_STUDIO_URL",
            "LABEL_STUDIO_API_KEY",
            "LABEL_STUDIO_WEBHOOK_SECRET",
            "LABELING_PUBLIC_URL",
            "MODEL_DIR",
            "MODEL_LABELS_FILE",
            "KAFKA_TOPIC_PARTITIONS",
            "KAFKA_REPLICATION_FACTOR",
            "KAFKA_MIN_INSYNC_REPLICAS",
            "MANAGEMENT_TOKEN");

    public static StackConfig parse(String[] args, Map<String, String> env) {
        Path dataDir = Path.of(".local-stack");
        int kafkaPort = 9092;
        int s3Port = 9000;
        List<Stage> stages = Stage.ALL;
        Integer stagePorts = null;
        Duration startTimeout = startTimeout(env);
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (flag.equals("--help") || flag.equals("-h")) {
                throw new UsageRequested();
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("Option " + flag + " needs a value.\n" + USAGE);
            }
            String value = args[++i];
            switch (flag) {
                case "--data-dir" -> dataDir = Path.of(value);
                case "--kafka-port" -> kafkaPort = port(flag, value);
                case "--s3-port" -> s3Port = port(flag, value);
                case "--only" -> stages = only(value);
                case "--stage-ports" -> stagePorts = port(flag, value);
                case "--start-timeout" -> startTimeout = duration(flag, value);
                default -> throw new IllegalArgumentException("Unknown option " + flag + ".\n" + USAGE);
            }
        }
        if (stagePorts != null) {
            stages = onPorts(stages, stagePorts);
        }
        Map<String, String> passThrough = new java.util.HashMap<>();
        PASS_THROUGH.forEach(name -> {
            if (env.get(name) != null && !env.get(name).isBlank()) {
                passThrough.put(name, env.get(name));
            }
        });
        return new StackConfig(
                Path.of("").toAbsolutePath(),
                dataDir.toAbsolutePath(),
                kafkaPort,
                kafkaPort + 1,
                s3Port,
                stages,
                Map.copyOf(passThrough),
                startTimeout,
                StageJvmOptions.from(env),
                !"off".equalsIgnoreCase(env.getOrDefault("LOCAL_STACK_STARTUP_ARCHIVE", "on")));
    }

    /** {@code LOCAL_STACK_START_TIMEOUT} when set, else {@link #DEFAULT_START_TIMEOUT}. */
    static Duration startTimeout(Map<String, String> env) {
        String value = env.get("LOCAL_STACK_START_TIMEOUT");
        return value == null || value.isBlank() ? DEFAULT_START_TIMEOUT : duration("LOCAL_STACK_START_TIMEOUT", value);
    }

    /** {@code 90s}, {@code 5m} or an ISO-8601 duration ({@code PT5M}); positive. */
    static Duration duration(String name, String value) {
        String v = value.trim().toLowerCase(java.util.Locale.ROOT);
        try {
            Duration d;
            if (v.matches("\\d+ms")) {
                d = Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            } else if (v.matches("\\d+[smh]")) {
                long n = Long.parseLong(v.substring(0, v.length() - 1));
                d = switch (v.charAt(v.length() - 1)) {
                    case 's' -> Duration.ofSeconds(n);
                    case 'm' -> Duration.ofMinutes(n);
                    default -> Duration.ofHours(n);
                };
            } else {
                d = Duration.parse(value.trim().toUpperCase(java.util.Locale.ROOT));
            }
            if (d.isNegative() || d.isZero()) {
                throw new DateTimeParseException("not positive", value, 0);
            }
            return d;
        } catch (DateTimeParseException | NumberFormatException e) {
            throw new IllegalArgumentException(
                    name + " must be a positive duration such as 300s or 5m, not '" + value + "'");
        }
    }

    private static int port(String flag, String value) {
        try {
            int port = Integer.parseInt(value);
            if (port < 1 || port > 65534) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    flag + " must be a port number between 1 and 65534, not '" + value + "'");
        }
    }

    private static List<Stage> only(String names) {
        List<Stage> chosen = new ArrayList<>();
        for (String name : names.split(",")) {
            chosen.add(Stage.ALL.stream()
                    .filter(s -> s.module().equals(name.trim()))
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("Unknown stage '" + name + "'; stages are "
                            + Stage.ALL.stream().map(Stage::module).toList())));
        }
        return List.copyOf(chosen);
    }

    /**
     * The stages moved to {@code first}, {@code first + 1}, … by their place in {@link Stage#ALL} (so {@code --only}
     * does not renumber them), each management port still its HTTP port + 1000.
     */
    private static List<Stage> onPorts(List<Stage> stages, int first) {
        if (first + Stage.ALL.size() - 1 + Stage.MANAGEMENT_PORT_OFFSET > 65535) {
            throw new IllegalArgumentException("--stage-ports must leave room for "
                    + Stage.ALL.size() + " ports and their management ports (+" + Stage.MANAGEMENT_PORT_OFFSET
                    + ") below 65536, not " + first);
        }
        return stages.stream().map(s -> s.onPort(first + Stage.ALL.indexOf(s))).toList();
    }

    /** --help was asked for. */
    static final class UsageRequested extends RuntimeException {
        UsageRequested() {
            super(USAGE);
        }
    }
}
