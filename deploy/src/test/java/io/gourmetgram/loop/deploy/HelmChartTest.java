package io.gourmetgram.loop.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The chart as an operator installs it: lint, then render with the values files of {@code ci/} (Helm runs inside
 * this JVM, no cluster) and check what Kubernetes would receive.
 */
class HelmChartTest {

    private static final Path CHART = Repo.path("helm/gourmetgram-loop");
    private static final Set<String> STAGES =
            Set.of("ingest-api", "inference-processor", "sampling-streams", "labeling-sink", "accuracy-streams");
    /** Stages in a consumer group: their topics have 3 partitions, so a 4th replica would idle. */
    private static final Set<String> CONSUMING =
            Set.of("inference-processor", "sampling-streams", "labeling-sink", "accuracy-streams");

    private static final Pattern SECRET_NAME = Pattern.compile(".*(SECRET|PASSWORD|API_KEY|ACCESS_KEY|TOKEN|JAAS).*");

    @Test
    void lintsCleanInStrictMode() {
        LintResult lint = new Helm(CHART).lint().strict().call();
        assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "ci/production-values.yaml", "ci/keda-values.yaml", "ci/created-secrets-values.yaml"})
    void everyStageHasProbesResourcesAndRunsAsNonRoot(String valuesFile) {
        Manifests m = render(valuesFile);

        List<Map<String, Object>> deployments = m.ofKind("Deployment");
        assertThat(deployments)
                .extracting(Manifests::name)
                .containsExactlyInAnyOrder(
                        "loop-ingest-api",
                        "loop-inference-processor",
                        "loop-sampling-streams",
                        "loop-labeling-sink",
                        "loop-accuracy-streams",
                        "loop-lag-exporter");
        for (Map<String, Object> d : deployments) {
            String name = Manifests.name(d);
            Map<String, Object> pod = Manifests.at(d, "spec", "template", "spec");
            assertThat((Object) Manifests.at(pod, "securityContext", "runAsNonRoot"))
                    .as(name)
                    .isEqualTo(true);
            for (Map<String, Object> c : Manifests.list(pod, "containers")) {
                assertThat((Object) Manifests.at(c, "securityContext", "allowPrivilegeEscalation"))
                        .as(name)
                        .isEqualTo(false);
                assertThat((Object) Manifests.at(c, "securityContext", "readOnlyRootFilesystem"))
                        .as(name)
                        .isEqualTo(true);
                for (String kind : List.of("requests", "limits")) {
                    Map<String, Object> r = Manifests.at(c, "resources", kind);
                    assertThat(r).as(name + " " + kind).containsKeys("cpu", "memory");
                }
                assertThat((Object) Manifests.at(c, "readinessProbe"))
                        .as(name + " readiness")
                        .isNotNull();
                assertThat((Object) Manifests.at(c, "livenessProbe"))
                        .as(name + " liveness")
                        .isNotNull();
                if (!name.endsWith("lag-exporter")) {
                    assertThat((Object) Manifests.at(c, "livenessProbe", "httpGet", "path"))
                            .as(name)
                            .isEqualTo("/actuator/health/liveness");
                    assertThat((Object) Manifests.at(c, "readinessProbe", "httpGet", "path"))
                            .as(name)
                            .isEqualTo("/actuator/health/readiness");
                    // Actuator lives on the management port (HTTP port + 1000), never on the public one.
                    assertThat((Object) Manifests.at(c, "livenessProbe", "httpGet", "port"))
                            .as(name)
                            .isEqualTo("management");
                    assertThat(Manifests.list(c, "ports")).anySatisfy(p -> {
                        assertThat(p.get("name")).isEqualTo("management");
                        int http = (int) Manifests.list(c, "ports").getFirst().get("containerPort");
                        assertThat(p.get("containerPort")).isEqualTo(http + 1000);
                    });
                }
            }
        }
        assertThat(m.ofKind("PodDisruptionBudget")).hasSize(STAGES.size());
        assertThat(m.ofKind("Service")).hasSize(STAGES.size() + 1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "ci/production-values.yaml", "ci/keda-values.yaml", "ci/created-secrets-values.yaml"})
    void noSecretValueIsWrittenIntoAManifestExceptASecretAskedFor(String valuesFile) {
        Manifests m = render(valuesFile);

        for (Map<String, Object> d : m.ofKind("Deployment")) {
            for (Map<String, Object> c : Manifests.list(Manifests.at(d, "spec", "template", "spec"), "containers")) {
                for (Map<String, Object> env : Manifests.list(c, "env")) {
                    String name = (String) env.get("name");
                    if (SECRET_NAME.matcher(name).matches()) {
                        Object value = env.get("value");
                        // A JAAS line may only assemble secret-sourced variables, $(KAFKA_SASL_…).
                        assertThat(
                                        value == null
                                                || value.toString()
                                                        .matches(
                                                                ".*\\$\\(KAFKA_SASL_USERNAME\\).*\\$\\(KAFKA_SASL_PASSWORD\\).*"))
                                .as(Manifests.name(d) + " " + name + " must come from a Secret")
                                .isTrue();
                    }
                }
            }
        }
        for (Map<String, Object> cm : m.ofKind("ConfigMap")) {
            Map<String, Object> data = Manifests.at(cm, "data");
            if (data != null && !Manifests.name(cm).contains("dashboard")) {
                assertThat(data.keySet())
                        .as(Manifests.name(cm))
                        .noneMatch(k -> SECRET_NAME.matcher(k).matches());
            }
        }
        if (valuesFile.contains("created-secrets")) {
            assertThat(m.ofKind("Secret"))
                    .extracting(Manifests::name)
                    .containsExactlyInAnyOrder("gourmetgram-s3", "gourmetgram-label-studio");
        } else {
            assertThat(m.ofKind("Secret"))
                    .as("Secrets are only referenced by name")
                    .isEmpty();
        }
    }

    @Test
    void cpuAutoscalingNeverGoesBeyondThePartitionsOfAConsumingStage() {
        Manifests m = render("");

        List<Map<String, Object>> hpas = m.ofKind("HorizontalPodAutoscaler");
        assertThat(hpas).hasSize(STAGES.size());
        for (Map<String, Object> hpa : hpas) {
            String target = Manifests.at(hpa, "spec", "scaleTargetRef", "name");
            int min = Manifests.at(hpa, "spec", "minReplicas");
            int max = Manifests.at(hpa, "spec", "maxReplicas");
            assertThat(min).as(target).isBetween(1, max);
            if (CONSUMING.stream().anyMatch(s -> target.endsWith(s))) {
                assertThat(max).as(target + ": topics have 3 partitions").isLessThanOrEqualTo(3);
            }
            assertThat((Object) Manifests.at(
                            Manifests.list(Manifests.at(hpa, "spec"), "metrics").getFirst(), "resource", "name"))
                    .isEqualTo("cpu");
        }
        assertThatThrownBy(() -> template("")
                        .set("stages.labeling-sink.autoscaling.maxReplicas", 4)
                        .call())
                .hasMessageContaining("3 partitions");
    }

    @Test
    void kedaScalesConsumingStagesOnTheirGroupsLagInsteadOfCpu() {
        Manifests m = render("ci/keda-values.yaml");

        List<Map<String, Object>> scaled = m.ofKind("ScaledObject");
        assertThat(scaled)
                .extracting(Manifests::name)
                .containsExactlyInAnyOrder(
                        "loop-inference-processor",
                        "loop-sampling-streams",
                        "loop-labeling-sink",
                        "loop-accuracy-streams");
        for (Map<String, Object> so : scaled) {
            assertThat((int) Manifests.at(so, "spec", "maxReplicaCount")).isLessThanOrEqualTo(3);
            Map<String, Object> trigger =
                    Manifests.list(Manifests.at(so, "spec"), "triggers").getFirst();
            assertThat(trigger.get("type")).isEqualTo("kafka");
            assertThat((Object) Manifests.at(trigger, "metadata", "consumerGroup"))
                    .isNotNull();
        }
        assertThat(m.ofKind("HorizontalPodAutoscaler"))
                .extracting(Manifests::name)
                .containsExactly("loop-ingest-api");
    }

    @Test
    void externalKafkaWithSaslOverTlsReachesEveryClient() {
        Manifests m = render("ci/production-values.yaml");

        for (Map<String, Object> d : m.ofKind("Deployment")) {
            Map<String, Object> pod = Manifests.at(d, "spec", "template", "spec");
            Map<String, Object> c = Manifests.list(pod, "containers").getFirst();
            Map<String, Object> env = new java.util.HashMap<>();
            Manifests.list(c, "env")
                    .forEach(e -> env.put((String) e.get("name"), e.get("value") != null ? e.get("value") : e));
            assertThat(env.get("SPRING_KAFKA_PROPERTIES_SECURITY_PROTOCOL"))
                    .as(Manifests.name(d))
                    .isEqualTo("SASL_SSL");
            assertThat(env.get("SPRING_KAFKA_PROPERTIES_SASL_MECHANISM")).isEqualTo("SCRAM-SHA-512");
            assertThat(env.get("SPRING_KAFKA_PROPERTIES_SASL_JAAS_CONFIG").toString())
                    .contains("ScramLoginModule");
            assertThat(env.get("SPRING_KAFKA_PROPERTIES_SSL_TRUSTSTORE_LOCATION")
                            .toString())
                    .startsWith("/etc/gourmetgram/kafka-tls/");
            assertThat(Manifests.list(pod, "volumes"))
                    .anySatisfy(v -> assertThat(v.get("name")).isEqualTo("kafka-tls"));
        }
        Map<String, Object> sinkConfig = m.named("ConfigMap", "loop-labeling-sink");
        assertThat((Object) Manifests.at(sinkConfig, "data", "LABELING_PUBLIC_URL"))
                .isEqualTo("https://review-images.example.com");
        assertThat((String) Manifests.at(sinkConfig, "data", "LABELING_WEBHOOK_URL"))
                .as("Label Studio refuses webhook hosts without a top-level domain")
                .endsWith(".svc.cluster.local:8083");
        assertThat((Object) Manifests.at(sinkConfig, "data", "S3_ENDPOINT")).isEqualTo("https://photos.example.com");
        Map<String, Object> keda = m.named("ScaledObject", "loop-labeling-sink");
        Map<String, Object> trigger =
                Manifests.list(Manifests.at(keda, "spec"), "triggers").getFirst();
        assertThat((Object) Manifests.at(trigger, "metadata", "sasl")).isEqualTo("scram_sha512");
        assertThat((Object) Manifests.at(trigger, "metadata", "tls")).isEqualTo("enable");
        Map<String, Object> auth = m.named("TriggerAuthentication", Manifests.at(trigger, "authenticationRef", "name"));
        assertThat(Manifests.list(Manifests.at(auth, "spec"), "secretTargetRef"))
                .extracting(r -> r.get("parameter"))
                .containsExactly("username", "password", "ca");
        assertThat(m.ofKind("ServiceMonitor")).hasSize(2);
        assertThat(m.ofKind("PrometheusRule")).hasSize(1);
        assertThat(m.ofKind("ConfigMap"))
                .filteredOn(cm -> Manifests.name(cm).contains("dashboard"))
                .hasSize(3);
    }

    private static Manifests render(String valuesFile) {
        return Manifests.parse(template(valuesFile).call());
    }

    private static TemplateCommand template(String valuesFile) {
        TemplateCommand t = new Helm(CHART)
                .template()
                .withName("loop")
                .withNamespace("food")
                .withKubeVersion("1.31.0");
        return valuesFile.isEmpty() ? t : t.withValuesFile(CHART.resolve(valuesFile));
    }

    /** Rendered manifests, as maps. */
    record Manifests(List<Map<String, Object>> all) {

        static Manifests parse(String yaml) {
            List<Map<String, Object>> docs = new ArrayList<>();
            for (Object doc : new org.yaml.snakeyaml.Yaml().loadAll(yaml)) {
                if (doc instanceof Map<?, ?> map) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> m = (Map<String, Object>) map;
                    docs.add(m);
                }
            }
            return new Manifests(docs);
        }

        List<Map<String, Object>> ofKind(String kind) {
            return all.stream().filter(d -> kind.equals(d.get("kind"))).toList();
        }

        Map<String, Object> named(String kind, String name) {
            return ofKind(kind).stream()
                    .filter(d -> name.equals(name(d)))
                    .findFirst()
                    .orElseThrow();
        }

        static String name(Map<String, Object> doc) {
            return at(doc, "metadata", "name");
        }

        @SuppressWarnings("unchecked")
        static <T> T at(Map<String, Object> doc, String... path) {
            Object here = doc;
            for (String step : path) {
                if (!(here instanceof Map<?, ?> map)) {
                    return null;
                }
                here = map.get(step);
            }
            return (T) here;
        }

        @SuppressWarnings("unchecked")
        static List<Map<String, Object>> list(Map<String, Object> doc, String key) {
            Object value = doc == null ? null : doc.get(key);
            return value == null ? List.of() : (List<Map<String, Object>>) value;
        }
    }
}
