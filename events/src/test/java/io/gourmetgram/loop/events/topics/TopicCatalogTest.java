package io.gourmetgram.loop.events.topics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TopicCatalogTest {

    @Test
    void topicNamesAreUniqueAndKafkaLegal() {
        assertThat(Topics.all())
                .extracting(TopicSpec::name)
                .doesNotHaveDuplicates()
                .allMatch(n -> n.matches("[a-z0-9.-]{1,200}"));
    }

    @Test
    void labelingRequestsAreCompactedSoTheLatestRevisionIsTheState() {
        assertThat(Topics.LABELING_REQUESTS.config()).containsEntry("cleanup.policy", "compact");
    }

    @Test
    void humanLabelsAreNeverDeletedByRetention() {
        assertThat(Topics.ANNOTATIONS.config()).containsEntry("retention.ms", "-1");
    }

    @Test
    void schemaResourceIsNamedAfterTheValueType() {
        assertThat(Topics.LABELING_REQUESTS.schemaResource()).isEqualTo("/schemas/labeling-request.schema.json");
    }
}
