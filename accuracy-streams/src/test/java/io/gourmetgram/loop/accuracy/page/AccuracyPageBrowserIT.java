package io.gourmetgram.loop.accuracy.page;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.gourmetgram.loop.accuracy.LiveAccuracyStreams;
import io.gourmetgram.loop.events.Annotation;
import io.gourmetgram.loop.events.AnnotationAction;
import io.gourmetgram.loop.events.EventJson;
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
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
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
import tools.jackson.databind.JsonNode;

/**
 * The analysts' accuracy page in a real headless Chromium, against the running application fed
 * through a real broker: the production estimate with its band and the random-sample estimate over
 * three hours, labels by reason, and a chosen window's confusion matrix and feedback quality.
 * Its own model version and older hours keep its windows apart from other tests on the shared application.
 * Screenshot: {@code target/browser-screenshots/accuracy-page.png}.
 */
class AccuracyPageBrowserIT extends LiveAccuracyStreams {

    private static final HttpClient http = HttpClient.newHttpClient();
    private static final ModelRef MODEL = new ModelRef("food11-page", "2");

    @Test
    void anAnalystSeesTheEstimateWithItsBandTheRandomSampleReasonsAndAWindowsConfusionMatrix() throws Exception {
        Instant first = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(30));
        for (int h = 0; h < 3; h++) {
            Instant at = first.plus(Duration.ofHours(h));
            // per hour: two random-sample labels and four unlabelled confident predictions (stratum "other"),
            // one low-confidence prediction, labelled (its stratum is known exactly)
            label("r" + h, at, ReviewReason.RANDOM, 0.5, 0.9, "Rice", "Rice");
            label("x" + h, at, ReviewReason.RANDOM, 0.5, 0.9, "Rice", h == 2 ? "Meat" : "Rice");
            label("l" + h, at, ReviewReason.LOW_CONFIDENCE, 1.0, 0.5, "Egg", h == 0 ? "Soup" : "Egg");
            for (int k = 0; k < 4; k++) {
                send(Topics.PREDICTIONS, "o" + h + k, prediction("o" + h + k, at, 0.9, "Rice"));
            }
        }
        send(Topics.FEEDBACK, "r2", new Feedback("r2", FeedbackKind.CONFIRMATION, null, first, null));

        await().atMost(Duration.ofSeconds(60)).until(() -> {
            JsonNode windows = windows();
            return windows.size() == 3
                    && windows.valueStream()
                            .allMatch(w -> w.path("predictions").asLong() == 7
                                    && w.path("labelled").asLong() == 3)
                    && windows.get(2).path("userReliability").path("total").asLong() == 1;
        });

        try (HeadlessChromium browser = HeadlessChromium.start()) {
            WebDriver page = browser.driver();
            page.get("http://localhost:" + port + "/");
            // the page reloads its data every 30 s and on Refresh, replacing the options: a stale element is retried
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofSeconds(1))
                    .ignoreExceptionsInstanceOf(StaleElementReferenceException.class)
                    .until(() -> {
                        page.findElement(By.id("refresh")).click();
                        pick(page, "model", MODEL.qualifiedName());
                        return page.findElement(By.id("latest")).getText().contains("3 labelled")
                                && page.findElement(By.id("feedback-quality"))
                                        .getText()
                                        .contains("100.0 %");
                    });

            List<String> legend = strings(
                    browser.script("return Chart.getChart('estimate-chart').legend.legendItems.map(i => i.text);"));
            assertThat(legend).containsExactly("Production estimate", "Random sample");
            List<Double> estimate =
                    numbers(browser.script("return Chart.getChart('estimate-chart').data.datasets[2].data;"));
            List<Double> upper =
                    numbers(browser.script("return Chart.getChart('estimate-chart').data.datasets[0].data;"));
            List<Double> lower =
                    numbers(browser.script("return Chart.getChart('estimate-chart').data.datasets[1].data;"));
            List<Double> random =
                    numbers(browser.script("return Chart.getChart('estimate-chart').data.datasets[5].data;"));
            // the page draws what the API says: the production estimate with its interval, the random sample's
            JsonNode windows = windows();
            for (int h = 0; h < 3; h++) {
                JsonNode production = windows.get(h).path("production");
                assertThat(production.path("insufficient").asBoolean())
                        .as("enough labels for a figure")
                        .isFalse();
                assertThat(estimate.get(h))
                        .isCloseTo(production.path("accuracy").asDouble(), within(1e-9));
                assertThat(lower.get(h)).isCloseTo(production.path("lower").asDouble(), within(1e-9));
                assertThat(upper.get(h)).isCloseTo(production.path("upper").asDouble(), within(1e-9));
                assertThat(random.get(h))
                        .isCloseTo(
                                windows.get(h)
                                        .path("randomStratum")
                                        .path("accuracy")
                                        .asDouble(),
                                within(1e-9));
                assertThat(lower.get(h)).isLessThanOrEqualTo(estimate.get(h));
                assertThat(upper.get(h)).isGreaterThanOrEqualTo(estimate.get(h));
            }
            assertThat(upper.getFirst() - lower.getFirst()).as("a visible band").isGreaterThan(0.1);
            assertThat(numbers(browser.script("return Chart.getChart('estimate-chart').data.datasets[6].data[0];")))
                    .as("the interval also as a bar, visible for a lone window")
                    .containsExactly(lower.getFirst(), upper.getFirst());
            assertThat(random).containsExactly(1.0, 1.0, 0.5);
            assertThat(estimate.getFirst())
                    .as("hour 0's low-confidence prediction was wrong")
                    .isLessThan(estimate.get(1));
            assertThat(strings(
                            browser.script("return Chart.getChart('reason-chart').data.datasets.map(d => d.label);")))
                    .containsExactly("low_confidence", "random");
            assertThat(page.findElement(By.id("latest")).getText())
                    .contains("production estimate", "95 %", "random sample 50.0 %");
            String latestMatrix = page.findElement(By.id("confusion")).getText();
            assertThat(latestMatrix).contains("Meat").doesNotContain("Soup");
            assertThat(Files.size(browser.screenshot("accuracy-page"))).isPositive();

            await().ignoreExceptionsInstanceOf(StaleElementReferenceException.class)
                    .untilAsserted(() -> {
                        page.findElement(By.cssSelector("#window-start option[value='0']"))
                                .click();
                        assertThat(page.findElement(By.id("confusion")).getText())
                                .contains("Soup")
                                .doesNotContain("Meat");
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
        return ((List<Number>) value)
                .stream().map(n -> n == null ? null : n.doubleValue()).toList();
    }

    private JsonNode windows() throws Exception {
        return EventJson.mapper()
                .readTree(http.send(
                                HttpRequest.newBuilder(URI.create("http://localhost:" + port
                                                + "/api/accuracy?window=tumbling&model=" + MODEL.qualifiedName()))
                                        .build(),
                                BodyHandlers.ofString())
                        .body());
    }

    private static Prediction prediction(String id, Instant at, double confidence, String label) {
        return new Prediction(
                id,
                new ObjectRef("production", id + ".jpg"),
                MODEL,
                label,
                0,
                confidence,
                List.of(new ScoredLabel(label, 0, confidence)),
                1.0,
                at);
    }

    private void label(
            String id,
            Instant at,
            ReviewReason reason,
            double inclusion,
            double confidence,
            String predicted,
            String truth)
            throws Exception {
        Prediction p = prediction(id, at, confidence, predicted);
        send(Topics.PREDICTIONS, id, p);
        send(
                Topics.LABELING_REQUESTS,
                id,
                new LabelingRequest(
                        id,
                        1,
                        RequestState.OPEN,
                        List.of(new ReasonInclusion(reason, inclusion)),
                        inclusion,
                        p,
                        null,
                        at,
                        at));
        send(
                Topics.ANNOTATIONS,
                id,
                new Annotation(id, 1, id.hashCode(), truth, "7", 2.0, AnnotationAction.CREATED, at, at));
    }
}
