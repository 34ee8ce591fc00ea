package io.gourmetgram.loop.labeling.labelstudio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.gourmetgram.loop.labeling.fake.FakeLabelStudio;
import io.gourmetgram.loop.labeling.project.LabelingConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The client against the Label Studio fake (a real HTTP server): token schemes, parsing, errors, the fake's rules. */
class LabelStudioClientIT {

    private static final String CONFIG = LabelingConfig.forLabels(List.of("Rice"));

    @Test
    void findsProjectsByExactTitleThoughLabelStudioFiltersBySubstring() throws Exception {
        try (FakeLabelStudio fake = FakeLabelStudio.start()) {
            LabelStudioClient client = pat(fake);
            client.createProject("Review", CONFIG);
            client.createProject("Review (old)", CONFIG);

            assertThat(client.projectsTitled("Review"))
                    .extracting(LabelStudioProject::title)
                    .containsExactly("Review");
        }
    }

    @Test
    void errorsNameTheCallTheStatusAndLabelStudiosDetail() throws Exception {
        try (FakeLabelStudio fake = FakeLabelStudio.start()) {
            LabelStudioClient wrongKey =
                    new LabelStudioClient(fake.url(), "not-a-key", Duration.ofSeconds(5), Clock.systemUTC());

            assertThatThrownBy(() -> wrongKey.projectsTitled("x"))
                    .isInstanceOf(LabelStudioException.class)
                    .hasMessageContaining("list projects")
                    .hasMessageContaining("HTTP 401")
                    .hasMessageContaining("Authentication credentials were not provided.");
        }
    }

    @Test
    void legacyTokensAreRefusedUnlessTheOrganisationEnablesThem() throws Exception {
        try (FakeLabelStudio fake = FakeLabelStudio.start()) {
            LabelStudioClient legacy = new LabelStudioClient(
                    fake.url(), FakeLabelStudio.LEGACY_KEY, Duration.ofSeconds(5), Clock.systemUTC());
            assertThatThrownBy(() -> legacy.projectsTitled("x"))
                    .isInstanceOf(LabelStudioException.class)
                    .satisfies(e ->
                            assertThat(((LabelStudioException) e).unavailable()).isTrue()); // 401: wait for an operator

            fake.legacyTokens(true);
            assertThat(legacy.projectsTitled("x")).isEmpty();
        }
    }

    @Test
    void anAccessTokenThatExpiredIsRefreshedAndTheCallRetried() throws Exception {
        try (FakeLabelStudio fake = FakeLabelStudio.start()) {
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            LabelStudioClient client = new LabelStudioClient(
                    fake.url(),
                    FakeLabelStudio.PERSONAL_ACCESS_TOKEN,
                    Duration.ofSeconds(5),
                    Clock.systemUTC(),
                    meters);
            client.createProject("Review", CONFIG);
            assertThat(fake.refreshes()).isEqualTo(1);

            fake.expireAccessTokens(); // Label Studio no longer accepts the token the client holds
            assertThat(client.projectsTitled("Review")).hasSize(1);

            assertThat(fake.refreshes()).isEqualTo(2);
            assertThat(meters.get("gourmetgram.labeling.labelstudio.errors")
                            .tags("operation", "list projects", "status", "401")
                            .counter()
                            .count())
                    .isEqualTo(1);
        }
    }

    @Test
    void shortLivedAccessTokensAreRefreshedAndCallsKeepWorkingAcrossTheirExpiry() throws Exception {
        try (FakeLabelStudio fake = FakeLabelStudio.start()) {
            fake.accessTokenLifetime(Duration.ofSeconds(2)); // Label Studio: 5 minutes; short here so the refresh runs
            LabelStudioClient client = pat(fake);
            client.createProject("Review", CONFIG);

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(client.projectsTitled("Review")).hasSize(1); // a refused call would throw, not retry
                assertThat(fake.refreshes()).isGreaterThanOrEqualTo(2);
            });
        }
    }

    @Test
    void tasksAndAnnotationsAreParsedOnceIntoRecords() throws Exception {
        try (FakeLabelStudio fake = FakeLabelStudio.start()) {
            LabelStudioClient client = pat(fake);
            long project = client.createProject("Review", CONFIG).id();
            long taskId = client.importTasks(
                            project,
                            List.of(Map.of(
                                    "data",
                                    Map.of("uploadId", "u-1", "revision", 3, "image", "http://x/images/u-1"),
                                    "meta",
                                    Map.of("bucket", "production", "key", "u-1.jpg"))))
                    .getFirst();
            long annotationId = fake.annotate(taskId, "Rice");

            LabelStudioTask task =
                    client.tasksUpdatedAfter(project, java.time.Instant.EPOCH).getFirst();

            assertThat(task.id()).isEqualTo(taskId);
            assertThat(task.uploadId()).isEqualTo("u-1");
            assertThat(task.revision()).isEqualTo(3);
            assertThat(task.object().key()).isEqualTo("u-1.jpg");
            assertThat(task.annotations()).singleElement().satisfies(a -> {
                assertThat(a.id()).isEqualTo(annotationId);
                assertThat(a.label()).isEqualTo("Rice");
                assertThat(a.annotatorId()).isEqualTo("7");
                assertThat(a.leadTimeSeconds()).isEqualTo(12.5);
            });
            assertThat(client.tasksUpdatedAfter(project, task.updatedAt())).isEmpty();
        }
    }

    @Test
    void theFakeRefusesTasksWithoutTheImageFieldAndWebhookHostsWithoutATopLevelDomain() throws Exception {
        try (FakeLabelStudio fake = FakeLabelStudio.start()) {
            LabelStudioClient client = pat(fake);
            long project = client.createProject("Review", CONFIG).id();

            assertThatThrownBy(() -> client.importTasks(project, List.of(Map.of("data", Map.of("uploadId", "u-2")))))
                    .isInstanceOf(LabelStudioException.class)
                    .hasMessageContaining("HTTP 400")
                    .hasMessageContaining("image")
                    .satisfies(e -> assertThat(((LabelStudioException) e).rejectsTheData())
                            .isTrue());
            assertThatThrownBy(() -> client.createWebhook(
                            project,
                            "http://labeling-sink:8080/webhooks/label-studio",
                            Map.of(),
                            Set.of("ANNOTATION_CREATED")))
                    .isInstanceOf(LabelStudioException.class)
                    .hasMessageContaining("url");
            assertThatThrownBy(() -> client.createProject("ab", CONFIG)).hasMessageContaining("title");
        }
    }

    @Test
    void anImportAnsweredWithoutTaskIdsHasAnUnknownOutcome() throws Exception {
        try (FakeLabelStudio fake = FakeLabelStudio.start()) {
            LabelStudioClient client = pat(fake);
            long project = client.createProject("Review", CONFIG).id();
            fake.asynchronousImport(true);

            assertThatThrownBy(() -> client.importTasks(
                            project, List.of(Map.of("data", Map.of("uploadId", "u-3", "image", "http://x/i")))))
                    .isInstanceOf(ImportOutcomeUnknownException.class)
                    .hasMessageContaining("asynchronous import");
        }
    }

    @Test
    void theFakeDeliversWebhooksOnlyForSubscribedActionsWhileActiveAndDisablesThemAfter50Failures() throws Exception {
        List<String> received = new java.util.concurrent.CopyOnWriteArrayList<>();
        com.sun.net.httpserver.HttpServer receiver =
                com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", exchange -> {
            received.add(new String(exchange.getRequestBody().readAllBytes()));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
        try (FakeLabelStudio fake = FakeLabelStudio.start()) {
            LabelStudioClient client = pat(fake);
            long project = client.createProject("Review", CONFIG).id();
            long task = client.importTasks(
                            project, List.of(Map.of("data", Map.of("uploadId", "u-4", "image", "http://x/i"))))
                    .getFirst();
            client.createWebhook(
                    project,
                    "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook",
                    Map.of(),
                    Set.of("ANNOTATION_CREATED"));
            long hook = client.webhooks(project).getFirst().id();

            long annotation = fake.annotate(task, "Rice");
            fake.updateAnnotation(task, annotation, "Soup"); // not subscribed
            assertThat(received).singleElement().asString().contains("ANNOTATION_CREATED");

            fake.alterWebhook(hook, w -> w.put("is_active", false));
            fake.annotate(task, "Egg");
            assertThat(received).hasSize(1);

            client.updateWebhook(hook, "http://127.0.0.1:1/closed", Map.of(), Set.of("ANNOTATION_CREATED"));
            for (int i = 0; i < 50; i++) {
                fake.annotate(task, "Rice");
            }
            assertThat(client.webhooks(project).getFirst().active()).isFalse();
        } finally {
            receiver.stop(0);
        }
    }

    @Test
    void labelingConfigOffersEveryLabelAsOneInlineChoice() {
        String xml = LabelingConfig.forLabels(List.of("Rice", "Noodles/Pasta", "Fish & Chips"));

        assertThat(xml)
                .contains(
                        "<Image name=\"image\" value=\"$image\"",
                        "choice=\"single-radio\"",
                        "showInline=\"true\"",
                        "<Choice value=\"Noodles/Pasta\"/>",
                        "<Choice value=\"Fish &amp; Chips\"/>",
                        "$predictedLabel",
                        "$reasons",
                        "$userCorrection");
    }

    private static LabelStudioClient pat(FakeLabelStudio fake) {
        return new LabelStudioClient(
                fake.url(), FakeLabelStudio.PERSONAL_ACCESS_TOKEN, Duration.ofSeconds(5), Clock.systemUTC());
    }
}
