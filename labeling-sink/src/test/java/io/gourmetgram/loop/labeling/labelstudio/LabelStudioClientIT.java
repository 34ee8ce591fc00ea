package io.gourmetgram.loop.labeling.labelstudio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gourmetgram.loop.labeling.fake.FakeLabelStudio;
import io.gourmetgram.loop.labeling.project.LabelingConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The client against the fake with a legacy token; the application's IT uses a personal access token. */
class LabelStudioClientIT {

    @Test
    void findsProjectsByExactTitleThoughLabelStudioFiltersBySubstring() throws Exception {
        try (FakeLabelStudio fake = FakeLabelStudio.start()) {
            LabelStudioClient client = new LabelStudioClient(fake.url(), FakeLabelStudio.LEGACY_KEY, Duration.ofSeconds(5),
                    Clock.systemUTC());
            client.createProject("Review", LabelingConfig.forLabels(List.of("Rice")));
            client.createProject("Review (old)", LabelingConfig.forLabels(List.of("Rice")));

            assertThat(client.projectsTitled("Review")).extracting(p -> p.path("title").asString()).containsExactly("Review");
        }
    }

    @Test
    void errorsNameTheCallTheStatusAndLabelStudiosDetail() throws Exception {
        try (FakeLabelStudio fake = FakeLabelStudio.start()) {
            LabelStudioClient wrongKey = new LabelStudioClient(fake.url(), "not-a-key", Duration.ofSeconds(5), Clock.systemUTC());

            assertThatThrownBy(() -> wrongKey.projectsTitled("x"))
                    .isInstanceOf(LabelStudioException.class)
                    .hasMessageContaining("list projects").hasMessageContaining("HTTP 401")
                    .hasMessageContaining("Authentication credentials were not provided.");
        }
    }

    @Test
    void labelingConfigOffersEveryLabelAsOneInlineChoice() {
        String xml = LabelingConfig.forLabels(List.of("Rice", "Noodles/Pasta", "Fish & Chips"));

        assertThat(xml).contains("<Image name=\"image\" value=\"$image\"", "choice=\"single-radio\"", "showInline=\"true\"",
                "<Choice value=\"Noodles/Pasta\"/>", "<Choice value=\"Fish &amp; Chips\"/>", "$predictedLabel", "$reasons",
                "$userCorrection");
    }
}
