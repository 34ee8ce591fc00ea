package io.gourmetgram.loop.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import io.gourmetgram.loop.events.testing.TestEvents;
import io.gourmetgram.loop.events.topics.Topics;
import io.gourmetgram.loop.labeling.fake.FakeLabelStudio;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an SRE sees around a Label Studio outage: labeling-sink (its jar, as the local stack runs it) against a
 * real KRaft broker and the Label Studio fake. While the fake answers 503, review requests keep coming and
 * {@code ./consumer-lag} ({@link ConsumerLag}) shows labeling-sink's lag growing with them, its health says it is
 * backing off and the Label Studio error counter the {@code LabelStudioUnreachable} alert reads rises; once the fake
 * is back the lag drains to 0 and every upload has exactly one task.
 */
class LabelStudioOutageLagIT {

    private static final String GROUP = "labeling-sink";

    @TempDir
    static Path dataDir;

    private static FakeLabelStudio labelStudio;
    private static LoopStack stack;
    private static Admin admin;
    private static KafkaProducer<String, byte[]> producer;
    private static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void startTheSink() throws Exception {
        labelStudio = FakeLabelStudio.start();
        Path repo = Path.of(System.getProperty("gourmetgram.repo.dir", "..")).toAbsolutePath();
        int port = Ports.free();
        Stage sink = new Stage(GROUP, port, Ports.free());
        assertThat(sink.jar(repo)).as("built by the reactor before this module").isRegularFile();
        Map<String, String> env = new HashMap<>();
        env.put("LABEL_STUDIO_URL", labelStudio.url());
        env.put("LABEL_STUDIO_API_KEY", FakeLabelStudio.PERSONAL_ACCESS_TOKEN);
        env.put("LABEL_STUDIO_WEBHOOK_SECRET", "outage-lag-webhook-secret-" + UUID.randomUUID());
        env.put("LABELING_PUBLIC_URL", "http://127.0.0.1:" + port);
        env.put("LABELING_BACKOFF_MIN", "200ms");
        env.put("LABELING_BACKOFF_MAX", "1s");
        env.put("JAVA_TOOL_OPTIONS", "-Xmx256m -XX:TieredStopAtLevel=1");
        stack = LoopStack.start(
                new StackConfig(repo, dataDir, Ports.free(), Ports.free(), Ports.free(), List.of(sink), env));
        admin = ConsumerLag.connect(stack.kafkaBootstrap());
        producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrap()),
                new StringSerializer(),
                new ByteArraySerializer());
    }

    @AfterAll
    static void stop() throws Exception {
        if (producer != null) {
            producer.close();
        }
        if (admin != null) {
            admin.close();
        }
        if (stack != null) {
            stack.close();
        }
        if (labelStudio != null) {
            labelStudio.close();
        }
    }

    @Test
    void theSinksLagGrowsWhileLabelStudioIsDownAndDrainsOnceWhenItReturns() throws Exception {
        List<String> uploads = new ArrayList<>(requests(3));
        awaitLag(0, "the first requests pushed and committed");

        labelStudio.down(true);
        try {
            uploads.addAll(requests(4));
            String table = awaitLag(4, "4 requests waiting while Label Studio is down");
            assertThat(table).contains("total lag of labeling-sink: 4");
            uploads.addAll(requests(5));
            awaitLag(9, "the backlog growing with the requests that keep coming");

            String health = health();
            assertThat(health).contains("\"UP\"").contains("backing off");
            assertThat(prometheus())
                    .containsPattern("gourmetgram_labeling_labelstudio_errors_total\\{[^}]*status=\"503\"[^}]*} [1-9]");
        } finally {
            labelStudio.down(false);
        }

        awaitLag(0, "the backlog drained after Label Studio returned");
        assertThat(health()).contains("\"labelStudio\":\"ok\"");
        for (String upload : uploads) {
            assertThat(labelStudio.tasksOf(upload))
                    .as("Label Studio tasks of " + upload)
                    .hasSize(1);
        }
        assertThat(labelStudio.tasks()).hasSize(uploads.size());
    }

    /** Publishes {@code count} open review requests, as sampling-streams would, and returns their upload ids. */
    private static List<String> requests(int count) throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String id = "outage-" + UUID.randomUUID();
            byte[] value = Topics.LABELING_REQUESTS
                    .valueSerde()
                    .serialize(
                            Topics.LABELING_REQUESTS.name(),
                            TestEvents.labelingRequest(id).at(Instant.now()).build());
            producer.send(new ProducerRecord<>(Topics.LABELING_REQUESTS.name(), id, value))
                    .get();
            ids.add(id);
        }
        return ids;
    }

    /** Waits until {@code ./consumer-lag} shows this total lag for labeling-sink; returns the table it prints. */
    private static String awaitLag(long total, String what) {
        String[] table = {""};
        Awaitility.await(what)
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> {
                    List<ConsumerLag.Row> rows = new ConsumerLag(admin)
                            .rows().stream()
                                    .filter(r -> r.group().equals(GROUP))
                                    .toList();
                    table[0] = ConsumerLag.table(rows);
                    assertThat(rows).as(table[0]).isNotEmpty();
                    assertThat(rows.stream().mapToLong(ConsumerLag.Row::lag).sum())
                            .as(table[0])
                            .isEqualTo(total);
                });
        return table[0];
    }

    private static String health() throws Exception {
        return get("/actuator/health", LoopStack.LOCAL_MANAGEMENT_TOKEN);
    }

    private static String prometheus() throws Exception {
        return get("/actuator/prometheus", null);
    }

    private static String get(String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + stack.stage(GROUP).stage().managementPort() + path));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(path).isEqualTo(200);
        return answer.body();
    }
}
