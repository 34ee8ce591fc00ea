package io.gourmetgram.loop.accuracy.page;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.gourmetgram.loop.accuracy.LiveAccuracyStreams;
import io.gourmetgram.loop.events.Annotation;
import io.gourmetgram.loop.events.AnnotationAction;
import io.gourmetgram.loop.events.Feedback;
import io.gourmetgram.loop.events.FeedbackKind;
import io.gourmetgram.loop.events.LabelingRequest;
import io.gourmetgram.loop.events.ModelRef;
import io.gourmetgram.loop.events.ObjectRef;
import io.gourmetgram.loop.events.Prediction;
import io.gourmetgram.loop.events.ReasonInclusion;
import io.gourmetgram.loop.events.RequestState;
import io.gourmetgram.loop.events.ReviewReason;
import io.gourmetgram.loop.events.ScoredLabel;
import io.gourmetgram.loop.events.testing.HeadlessChromium;
import io.gourmetgram.loop.events.topics.Topics;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/**
 * The analysts' accuracy page in a real headless Chromium, against the running application fed
 * through a real broker: the production estimate with its band and the random-sample estimate over
 * three hours, labels by reason, and a chosen window's confusion matrix and feedback quality.
 * Its own model version and older hours keep its windows apart from other tests on the shared application.
 * Screenshot: {@code target/browser-screenshots/accuracy-page.png}.
 */
class AccuracyPageBrowserIT extends LiveAccuracyStreams {

    private static final ModelRef MODEL = new ModelRef("food11-page", "2");

    @Test
    void anAnalystSeesTheEstimateWithItsBandTheRandomSampleReasonsAndAWindowsConfusionMatrix() throws Exception {
        Instant first = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(30));
        for (int h = 0; h < 3; h++) {
            Instant at = first.plus(Duration.ofHours(h));
            label("r" + h, at, ReviewReason.RANDOM, 0.5, "Rice", "Rice");
            label("l" + h, at, ReviewReason.LOW_CONFIDENCE, 1.0, "Egg", h == 0 ? "Soup" : "Egg");
        }
        label("x2", first.plus(Duration.ofHours(2)), ReviewReason.RANDOM, 0.5, "Rice", "Meat");
        send(Topics.FEEDBACK, "r2", new Feedback("r2", FeedbackKind.CONFIRMATION, null, first, null));

        try (HeadlessChromium browser = HeadlessChromium.start()) {
            WebDriver page = browser.driver();
            page.get("http://localhost:" + port + "/");
            // the page reloads its data every 30 s and on Refresh, replacing the options: a stale element is retried
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                    .ignoreExceptionsInstanceOf(StaleElementReferenceException.class).until(() -> {
                page.findElement(By.id("refresh")).click();
                pick(page, "model", MODEL.qualifiedName());
                return page.findElement(By.id("latest")).getText().contains("3 labelled")
                        && page.findElement(By.id("feedback-quality")).getText().contains("100.0 %");
            });

            List<String> legend = strings(browser.script(
                    "return Chart.getChart('estimate-chart').legend.legendItems.map(i => i.text);"));
            assertThat(legend).containsExactly("Production estimate", "Random sample");
            List<Double> estimate = numbers(browser.script("return Chart.getChart('estimate-chart').data.datasets[2].data;"));
            List<Double> upper = numbers(browser.script("return Chart.getChart('estimate-chart').data.datasets[0].data;"));
            List<Double> lower = numbers(browser.script("return Chart.getChart('estimate-chart').data.datasets[1].data;"));
            List<Double> random = numbers(browser.script("return Chart.getChart('estimate-chart').data.datasets[5].data;"));
            assertThat(estimate).hasSize(3);
            // hour 0: random label right (weight 2), low-confidence label wrong (weight 1) → 2/3
            assertThat(estimate.getFirst()).isCloseTo(2.0 / 3, within(1e-9));
            assertThat(estimate.get(1)).isEqualTo(1.0);
            for (int h = 0; h < 3; h++) {
                assertThat(lower.get(h)).isLessThanOrEqualTo(estimate.get(h));
                assertThat(upper.get(h)).isGreaterThanOrEqualTo(estimate.get(h));
            }
            assertThat(upper.getFirst() - lower.getFirst()).as("a visible band").isGreaterThan(0.1);
            assertThat(numbers(browser.script("return Chart.getChart('estimate-chart').data.datasets[6].data[0];")))
                    .as("the interval also as a bar, visible for a lone window").containsExactly(lower.getFirst(), upper.getFirst());
            assertThat(random).containsExactly(1.0, 1.0, 0.5);
            assertThat(strings(browser.script("return Chart.getChart('reason-chart').data.datasets.map(d => d.label);")))
                    .containsExactly("low_confidence", "random");
            assertThat(page.findElement(By.id("latest")).getText())
                    .contains("production estimate", "95 %", "random sample 50.0 %");
            String latestMatrix = page.findElement(By.id("confusion")).getText();
            assertThat(latestMatrix).contains("Meat").doesNotContain("Soup");
            assertThat(Files.size(browser.screenshot("accuracy-page"))).isPositive();

            await().ignoreExceptionsInstanceOf(StaleElementReferenceException.class).untilAsserted(() -> {
                page.findElement(By.cssSelector("#window-start option[value='0']")).click();
                assertThat(page.findElement(By.id("confusion")).getText()).contains("Soup").doesNotContain("Meat");
            });
        }
    }

    private static void pick(WebDriver page, String select, String value) {
        List<WebElement> options = page.findElements(By.cssSelector("#" + select + " option[value='" + value + "']"));
        if (!options.isEmpty()) {
            options.getFirst().click();
        }
    }

    @SuppressWarnings("unchecked")
    private static List<String> strings(Object value) {
        return (List<String>) value;
    }

    @SuppressWarnings("unchecked")
    private static List<Double> numbers(Object value) {
        return ((List<Number>) value).stream().map(n -> n == null ? null : n.doubleValue()).toList();
    }

    private void label(String id, Instant at, ReviewReason reason, double inclusion, String predicted, String truth)
            throws Exception {
        Prediction p = new Prediction(id, new ObjectRef("production", id + ".jpg"), MODEL, predicted, 0, 0.5,
                List.of(new ScoredLabel(predicted, 0, 0.5)), 1.0, at);
        send(Topics.LABELING_REQUESTS, id, new LabelingRequest(id, 1, RequestState.OPEN,
                List.of(new ReasonInclusion(reason, inclusion)), inclusion, p, null, at, at));
        send(Topics.ANNOTATIONS, id, new Annotation(id, 1, id.hashCode(), truth, "7", 2.0, AnnotationAction.CREATED, at, at));
    }
}
