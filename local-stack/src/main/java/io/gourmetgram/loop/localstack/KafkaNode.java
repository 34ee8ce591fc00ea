package io.gourmetgram.loop.localstack;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * A real single-node Apache Kafka (KRaft, combined broker + controller) running in this JVM from
 * Maven Central's artifacts. Its log directory survives restarts: storage is formatted once, and a
 * later start reuses the cluster and all topics.
 */
public final class KafkaNode implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    /**
     * Sized for a laptop or a 2-core box sharing the machine with five stages, not for a cluster node. Durability
     * is unchanged: Kafka's defaults already leave flushing to the OS (no fsync per message), and the data stays
     * in the log directory across restarts.
     */
    static final Map<String, String> SIZED_FOR_ONE_MACHINE = Map.of(
            // The log cleaner (compacted topics: receipts, accuracy windows, changelogs) allocates its whole
            // de-duplication buffer on the heap at start: 128 MB by default, for a few thousand keys here.
            "log.cleaner.dedupe.buffer.size", Integer.toString(16 << 20),
            // Threads per core of the default: 8 request handlers and 3 network threads per listener (broker and
            // controller), 10 background threads — for two cores.
            "num.io.threads", "2",
            "num.network.threads", "2",
            "background.threads", "4",
            // The group coordinator's event threads (4 by default) serve a dozen groups here; one is plenty.
            "group.coordinator.threads", "1",
            // The controller appends a no-op record to the metadata log every 500 ms by default, which the node
            // writes, flushes and replays through every metadata publisher: the metadata loader, raft I/O and
            // controller threads took 16 % of the broker's Java samples in a JFR profile of a LoopBenchmark run.
            // One node needs no such frequent sign of life from its own metadata log.
            "metadata.max.idle.interval.ms", "5000",
            // 50 partitions each by default; created at first use (existing data keeps its layout).
            "offsets.topic.num.partitions", "3",
            "transaction.state.log.num.partitions", "3");

    private final KafkaRaftServer server;
    private final String bootstrap;

    private KafkaNode(KafkaRaftServer server, String bootstrap) {
        this.server = server;
        this.bootstrap = bootstrap;
    }

    public static KafkaNode start(Path dataDir, int port, int controllerPort) throws Exception {
        Files.createDirectories(dataDir);
        Path logDir = dataDir.resolve("log");
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("log.dirs", logDir.toString());
        // One node: every internal topic has one replica, and transactions work with it.
        props.put("offsets.topic.replication.factor", "1");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("default.replication.factor", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("num.partitions", "3");
        props.putAll(SIZED_FOR_ONE_MACHINE);
        formatOnce(dataDir, logDir, props);

        KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
        server.startup();
        String bootstrap = "127.0.0.1:" + port;
        awaitReady(bootstrap);
        return new KafkaNode(server, bootstrap);
    }

    public String bootstrapServers() {
        return bootstrap;
    }

    private static void formatOnce(Path dataDir, Path logDir, Properties props) throws Exception {
        if (Files.exists(logDir.resolve("meta.properties"))) {
            return; // formatted by an earlier start: keep its cluster id and data
        }
        Path config = dataDir.resolve("server.properties");
        try (var out = Files.newBufferedWriter(config)) {
            props.store(out, "Written by the GourmetGram local stack");
        }
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int exit = StorageTool.execute(
                new String[] {"format", "-t", Uuid.randomUuid().toString(), "-c", config.toString()},
                new PrintStream(output, true, StandardCharsets.UTF_8));
        if (exit != 0) {
            throw new IllegalStateException("Formatting Kafka storage in " + logDir + " failed: " + output);
        }
    }

    /** The broker answers metadata requests once it has caught up with its own controller. */
    private static void awaitReady(String bootstrap) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.listTopics().names().get(READY_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(
                    "Kafka did not become ready at " + bootstrap + " within " + READY_TIMEOUT, e);
        }
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
    }
}
