package io.gourmetgram.loop.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The reading of PromQL that ExposedMetricsIT relies on: metric names, matched labels, grouping labels. */
class QueriedMetricsTest {

    @Test
    void findsMetricsTheirMatchedLabelsAndTheGroupingLabels() {
        QueriedMetrics.Query q = QueriedMetrics.parse(
                Path.of("x.yml"),
                "sum by (group, topic) (deriv(gourmetgram_consumer_group_lag{group=~\"label.+\", partition!=\"0\"}[10m])) > 0"
                        + " unless sum(increase(gourmetgram_topic_end_offset{topic=\"annotations\"}[5m])) > 0 and up{stage!=\"\"} == 0");

        assertThat(q.metrics())
                .containsExactlyInAnyOrder("gourmetgram_consumer_group_lag", "gourmetgram_topic_end_offset");
        assertThat(q.matchedLabels())
                .containsEntry("gourmetgram_consumer_group_lag", java.util.Set.of("group", "partition"))
                .containsEntry("gourmetgram_topic_end_offset", java.util.Set.of("topic"));
        assertThat(q.groupedBy()).containsExactlyInAnyOrder("group", "topic");
    }

    @Test
    void readsEveryDashboardAndRuleExpression() throws Exception {
        var queries = QueriedMetrics.all();
        assertThat(queries)
                .extracting(QueriedMetrics.Query::file)
                .anyMatch(f -> f.endsWith("pipeline.json"))
                .anyMatch(f -> f.endsWith("gourmetgram.yml"));
        assertThat(queries).allSatisfy(q -> assertThat(q.expr()).doesNotContain("\\\""));
        assertThat(queries.stream().flatMap(q -> q.metrics().stream()))
                .contains("gourmetgram_accuracy_latest_weighted_upper");
    }
}
