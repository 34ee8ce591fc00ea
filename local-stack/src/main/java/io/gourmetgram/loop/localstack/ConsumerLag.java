package io.gourmetgram.loop.localstack;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.ToLongFunction;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Consumer lag per group and partition, read from the broker with the admin API alone: committed
 * offset of every consumer and Streams group against the partition's end offset. Printed as a table
 * ({@code ./consumer-lag}), or served in Prometheus' text format ({@code --serve PORT}) as the lag
 * exporter of docker-compose and the Helm chart, so the numbers an SRE sees on a dashboard are the
 * numbers a newcomer sees in a terminal.
 */
public final class ConsumerLag {

    /** Metric names served; dashboards and alert rules query these. */
    public static final String LAG = "gourmetgram_consumer_group_lag";

    public static final String COMMITTED = "gourmetgram_consumer_group_committed_offset";
    public static final String END = "gourmetgram_consumer_group_end_offset";
    public static final String TOPIC_END = "gourmetgram_topic_end_offset";
    public static final String UP = "gourmetgram_consumer_lag_exporter_up";

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** One row: a group's position on one partition. */
    public record Row(String group, String topic, int partition, long committed, long end) {
        public long lag() {
            return Math.max(0, end - committed);
        }
    }

    private final Admin admin;

    public ConsumerLag(Admin admin) {
        this.admin = admin;
    }

    public static Admin connect(String bootstrapServers) {
        return Admin.create(clientProperties(bootstrapServers, System.getenv()));
    }

    /**
     * Spring Boot's named Kafka security variables, which the stages read, and the client property each sets. The
     * stores' locations are Spring resources ({@code file:/...}); the Kafka client wants a path.
     */
    private static final Map<String, String> SPRING_SECURITY_VARIABLES = Map.ofEntries(
            Map.entry("SPRING_KAFKA_SECURITY_PROTOCOL", "security.protocol"),
            Map.entry("SPRING_KAFKA_SSL_TRUST_STORE_LOCATION", "ssl.truststore.location"),
            Map.entry("SPRING_KAFKA_SSL_TRUST_STORE_PASSWORD", "ssl.truststore.password"),
            Map.entry("SPRING_KAFKA_SSL_TRUST_STORE_TYPE", "ssl.truststore.type"),
            Map.entry("SPRING_KAFKA_SSL_TRUST_STORE_CERTIFICATES", "ssl.truststore.certificates"),
            Map.entry("SPRING_KAFKA_SSL_KEY_STORE_LOCATION", "ssl.keystore.location"),
            Map.entry("SPRING_KAFKA_SSL_KEY_STORE_PASSWORD", "ssl.keystore.password"),
            Map.entry("SPRING_KAFKA_SSL_KEY_STORE_TYPE", "ssl.keystore.type"),
            Map.entry("SPRING_KAFKA_SSL_KEY_PASSWORD", "ssl.key.password"),
            Map.entry("SPRING_KAFKA_SSL_PROTOCOL", "ssl.protocol"));

    /**
     * Admin client settings: the bootstrap servers, plus the Kafka security variables the stages read too — Spring's
     * named ones ({@code SPRING_KAFKA_SECURITY_PROTOCOL}, {@code SPRING_KAFKA_SSL_*}) and every
     * {@code SPRING_KAFKA_PROPERTIES_*} (sasl.*, ssl.*, …) — so the command reaches a TLS/SASL cluster with the same
     * environment as the stages.
     */
    static Properties clientProperties(String bootstrapServers, Map<String, String> env) {
        Properties props = new Properties();
        String prefix = "SPRING_KAFKA_PROPERTIES_";
        env.forEach((name, value) -> {
            if (name.startsWith(prefix)) {
                props.put(
                        name.substring(prefix.length())
                                .toLowerCase(java.util.Locale.ROOT)
                                .replace('_', '.'),
                        value);
            }
        });
        SPRING_SECURITY_VARIABLES.forEach((variable, property) -> {
            String value = env.get(variable);
            if (value != null && !value.isBlank()) {
                props.put(property, property.endsWith(".location") ? value.replaceFirst("^file:", "") : value);
            }
        });
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "gourmetgram-consumer-lag");
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
        return props;
    }

    /**
     * Every consumer group (Streams apps included: they use the classic consumer protocol) with committed offsets, on
     * every partition of the topics it has committed on, sorted by group, topic and partition. A partition the group
     * has not committed on yet (no record of it consumed so far) counts from the partition's first offset, as the
     * stages read it ({@code auto.offset.reset=earliest}): records waiting there are backlog too.
     */
    public List<Row> rows() throws InterruptedException, ExecutionException, TimeoutException {
        List<String> groups = new ArrayList<>();
        for (GroupListing g : admin.listGroups(ListGroupsOptions.forConsumerGroups())
                .all()
                .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            groups.add(g.groupId());
        }
        Map<String, Map<TopicPartition, OffsetAndMetadata>> committed = new HashMap<>();
        Set<String> topics = new java.util.HashSet<>();
        for (String group : groups) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            offsets.values().removeIf(o -> o == null);
            committed.put(group, offsets);
            offsets.keySet().forEach(tp -> topics.add(tp.topic()));
        }
        Map<String, List<TopicPartition>> partitionsOf = new HashMap<>();
        if (!topics.isEmpty()) {
            admin.describeTopics(topics)
                    .allTopicNames()
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .forEach((name, description) -> partitionsOf.put(
                            name,
                            description.partitions().stream()
                                    .map(p -> new TopicPartition(name, p.partition()))
                                    .toList()));
        }
        List<TopicPartition> all =
                partitionsOf.values().stream().flatMap(List::stream).toList();
        Map<TopicPartition, Long> ends = offsets(all, OffsetSpec.latest());
        Map<TopicPartition, Long> starts = offsets(all, OffsetSpec.earliest());
        List<Row> rows = new ArrayList<>();
        committed.forEach((group, offsets) -> offsets.keySet().stream()
                .map(TopicPartition::topic)
                .distinct()
                .flatMap(topic -> partitionsOf.getOrDefault(topic, List.of()).stream())
                .forEach(tp -> {
                    OffsetAndMetadata offset = offsets.get(tp);
                    long position = offset != null ? offset.offset() : starts.getOrDefault(tp, 0L);
                    rows.add(new Row(group, tp.topic(), tp.partition(), position, ends.getOrDefault(tp, position)));
                }));
        rows.sort(Comparator.comparing(Row::group).thenComparing(Row::topic).thenComparingInt(Row::partition));
        return rows;
    }

    private Map<TopicPartition, Long> offsets(List<TopicPartition> partitions, OffsetSpec spec)
            throws InterruptedException, ExecutionException, TimeoutException {
        if (partitions.isEmpty()) {
            return Map.of();
        }
        Map<TopicPartition, OffsetSpec> wanted = new HashMap<>();
        partitions.forEach(tp -> wanted.put(tp, spec));
        Map<TopicPartition, Long> offsets = new HashMap<>();
        admin.listOffsets(wanted)
                .all()
                .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .forEach((tp, info) -> offsets.put(tp, info.offset()));
        return offsets;
    }

    /**
     * End offset of every partition of every topic (internal ones left out): its rate is a topic's throughput, and on
     * a {@code *-dead-letter} topic it counts dead letters, the same way for every stage.
     */
    public List<Row> topicEnds() throws InterruptedException, ExecutionException, TimeoutException {
        Set<String> topics = admin.listTopics().names().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        Map<TopicPartition, OffsetSpec> wanted = new HashMap<>();
        admin.describeTopics(topics)
                .allTopicNames()
                .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .forEach((name, description) -> description
                        .partitions()
                        .forEach(p -> wanted.put(new TopicPartition(name, p.partition()), OffsetSpec.latest())));
        List<Row> rows = new ArrayList<>();
        if (!wanted.isEmpty()) {
            admin.listOffsets(wanted)
                    .all()
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .forEach((tp, info) ->
                            rows.add(new Row("", tp.topic(), tp.partition(), info.offset(), info.offset())));
        }
        rows.sort(Comparator.comparing(Row::topic).thenComparingInt(Row::partition));
        return rows;
    }

    static String table(List<Row> rows) {
        StringBuilder out = new StringBuilder(String.format(
                "%-28s %-22s %9s %12s %12s %8s%n", "GROUP", "TOPIC", "PARTITION", "COMMITTED", "END", "LAG"));
        Map<String, Long> totals = new HashMap<>();
        for (Row r : rows) {
            out.append(String.format(
                    "%-28s %-22s %9d %12d %12d %8d%n",
                    r.group(), r.topic(), r.partition(), r.committed(), r.end(), r.lag()));
            totals.merge(r.group(), r.lag(), Long::sum);
        }
        if (rows.isEmpty()) {
            out.append("(no consumer group has committed offsets yet)\n");
        }
        totals.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> out.append(String.format("total lag of %s: %d%n", e.getKey(), e.getValue())));
        return out.toString();
    }

    static String prometheus(List<Row> rows, List<Row> topicEnds, boolean up) {
        StringBuilder out = new StringBuilder();
        out.append("# HELP ").append(UP).append(" 1 if the last read of the broker's offsets succeeded\n");
        out.append("# TYPE ")
                .append(UP)
                .append(" gauge\n")
                .append(UP)
                .append(' ')
                .append(up ? 1 : 0)
                .append('\n');
        family(
                out,
                LAG,
                "Records in the partition the group has not committed yet (end offset - committed offset)",
                rows,
                Row::lag);
        family(out, COMMITTED, "The group's committed offset on the partition", rows, Row::committed);
        family(out, END, "The partition's end (latest) offset", rows, Row::end);
        out.append("# HELP ").append(TOPIC_END).append(" Records ever written to the partition (its end offset)\n");
        out.append("# TYPE ").append(TOPIC_END).append(" gauge\n");
        for (Row r : topicEnds) {
            out.append(TOPIC_END)
                    .append("{topic=\"")
                    .append(r.topic())
                    .append("\",partition=\"")
                    .append(r.partition())
                    .append("\"} ")
                    .append(r.end())
                    .append('\n');
        }
        return out.toString();
    }

    private static void family(StringBuilder out, String name, String help, List<Row> rows, ToLongFunction<Row> value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(" gauge\n");
        for (Row r : rows) {
            out.append(name)
                    .append("{group=\"")
                    .append(r.group())
                    .append("\",topic=\"")
                    .append(r.topic())
                    .append("\",partition=\"")
                    .append(r.partition())
                    .append("\"} ")
                    .append(value.applyAsLong(r))
                    .append('\n');
        }
    }

    /** Serves {@code /metrics} (and {@code /health}) on the port until the process stops; reads the broker per scrape. */
    public static HttpServer serve(Admin admin, int port) throws IOException {
        ConsumerLag lag = new ConsumerLag(admin);
        HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
        server.createContext("/metrics", exchange -> {
            String body;
            try {
                body = prometheus(lag.rows(), lag.topicEnds(), true);
            } catch (ExecutionException | TimeoutException e) {
                body = prometheus(List.of(), List.of(), false);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                body = prometheus(List.of(), List.of(), false);
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream os = exchange.getResponseBody()) {
                os.write(bytes);
            }
        });
        server.createContext("/health", exchange -> {
            byte[] bytes = "{\"status\":\"UP\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream os = exchange.getResponseBody()) {
                os.write(bytes);
            }
        });
        server.start();
        return server;
    }

    /**
     * {@code [--bootstrap-servers HOST:PORT] [--watch SECONDS] [--serve PORT]}; the bootstrap servers default to
     * {@code KAFKA_BOOTSTRAP_SERVERS}, then the local stack's {@code 127.0.0.1:9092}.
     */
    public static void main(String[] args) throws Exception {
        String bootstrap = System.getenv().getOrDefault("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092");
        Integer watch = null;
        Integer serve = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--bootstrap-servers" -> bootstrap = args[++i];
                case "--watch" -> watch = Integer.parseInt(args[++i]);
                case "--serve" -> serve = Integer.parseInt(args[++i]);
                default -> {
                    System.err.println(
                            "usage: consumer-lag [--bootstrap-servers HOST:PORT] [--watch SECONDS] [--serve PORT]");
                    System.exit(2);
                }
            }
        }
        Admin admin = connect(bootstrap);
        if (serve != null) {
            serve(admin, serve);
            System.out.println("Serving consumer lag of " + bootstrap + " at http://0.0.0.0:" + serve + "/metrics");
            return;
        }
        try (admin) {
            ConsumerLag lag = new ConsumerLag(admin);
            PrintStream out = System.out;
            do {
                try {
                    out.print(table(lag.rows()));
                } catch (ExecutionException | TimeoutException e) {
                    System.err.println("Cannot read offsets from " + bootstrap + ": " + e.getMessage()
                            + " (is the stack running? --bootstrap-servers HOST:PORT)");
                    if (watch == null) {
                        System.exit(1);
                    }
                }
                if (watch != null) {
                    out.println();
                    Thread.sleep(watch * 1000L);
                }
            } while (watch != null);
        }
    }
}
