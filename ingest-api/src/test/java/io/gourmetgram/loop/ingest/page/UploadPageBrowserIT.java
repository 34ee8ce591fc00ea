package io.gourmetgram.loop.ingest.page;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gourmetgram.loop.events.Feedback;
import io.gourmetgram.loop.events.FeedbackKind;
import io.gourmetgram.loop.events.Food11;
import io.gourmetgram.loop.events.ModelRef;
import io.gourmetgram.loop.events.Prediction;
import io.gourmetgram.loop.events.ScoredLabel;
import io.gourmetgram.loop.events.Upload;
import io.gourmetgram.loop.events.testing.HeadlessChromium;
import io.gourmetgram.loop.events.testing.S3TestServer;
import io.gourmetgram.loop.events.topics.Topics;
import io.gourmetgram.loop.ingest.BrokerTopics;
import io.gourmetgram.loop.ingest.image.SamplePhotos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The upload page in a real headless Chromium against a running ingest-api (real broker, real S3):
 * pick a photo, upload it, see the label appear without a reload, then confirm, flag and correct —
 * each click an event on {@code feedback}. The test plays inference-processor: it answers the
 * {@code Upload} event with a prediction. Screenshot: {@code target/browser-screenshots/upload-page.png}.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}"})
@EmbeddedKafka(partitions = 1)
@DirtiesContext
class UploadPageBrowserIT {

    private static final S3TestServer S3 = S3TestServer.start();

    @DynamicPropertySource
    static void objectStore(DynamicPropertyRegistry registry) {
        registry.add("gourmetgram.ingest.s3.endpoint", S3::endpoint);
        registry.add("gourmetgram.ingest.s3.access-key", () -> S3TestServer.ACCESS_KEY);
        registry.add("gourmetgram.ingest.s3.secret-key", () -> S3TestServer.SECRET_KEY);
    }

    @AfterAll
    static void stopObjectStore() throws Exception {
        S3.close();
    }

    @LocalServerPort
    int port;

    @Value("${spring.embedded.kafka.brokers}")
    String brokers;

    HeadlessChromium browser;
    BrokerTopics topics;

    @BeforeEach
    void open() {
        browser = HeadlessChromium.start();
        topics = new BrokerTopics(brokers);
    }

    @AfterEach
    void close() {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    void aUserUploadsSeesTheLabelWithoutReloadAndConfirmsFlagsAndCorrectsIt() throws Exception {
        WebDriver page = browser.driver();
        page.get("http://localhost:" + port + "/");
        browser.script("window.sameDocument = true;");
        Path photo = SamplePhotos.smallSharedJpeg();

        page.findElement(By.id("file-input")).sendKeys(photo.toAbsolutePath().toString());
        await().until(() -> page.findElement(By.id("upload-button")).isEnabled());
        page.findElement(By.id("upload-button")).click();

        Upload upload = await().atMost(Duration.ofSeconds(20))
                .until(() -> topics.all(Topics.UPLOADS).stream().findFirst(), java.util.Optional::isPresent)
                .map(r -> Topics.UPLOADS.valueSerde().deserialize("uploads", r.value()))
                .orElseThrow();
        assertThat(upload.sha256()).isEqualTo(sha256(Files.readAllBytes(photo)));
        topics.publish(Topics.PREDICTIONS, upload.uploadId(), prediction(upload, "Soup", 0.82));

        await().atMost(Duration.ofSeconds(20))
                .until(() -> page.findElement(By.id("label")).getText(), "Soup"::equals);
        assertThat(page.findElement(By.id("confidence")).getText()).isEqualTo("82.0% confident");
        assertThat(browser.script("return window.sameDocument === true;"))
                .as("no reload")
                .isEqualTo(true);

        clickAndWaitFor(page, "confirm-button", "right");
        clickAndWaitFor(page, "flag-button", "flagged");
        List<String> shown = classesOffered(page);
        page.findElement(By.cssSelector("#correction option[value='Noodles/Pasta']"))
                .click();
        clickAndWaitFor(page, "correct-button", "Noodles/Pasta");
        assertThat(Files.size(browser.screenshot("upload-page"))).isPositive();

        List<Feedback> feedback = topics.values(Topics.FEEDBACK, upload.uploadId());
        assertThat(feedback)
                .extracting(Feedback::kind)
                .containsExactly(FeedbackKind.CONFIRMATION, FeedbackKind.FLAG, FeedbackKind.CORRECTION);
        Feedback correction = feedback.getLast();
        assertThat(correction.correctedLabel()).isEqualTo("Noodles/Pasta");
        assertThat(correction.picker().inputMethod()).isEqualTo("shuffled_list");
        assertThat(correction.picker().labelsShown())
                .as("the order the page showed")
                .isEqualTo(shown);
    }

    @Test
    void theCorrectionPickerShowsEveryClassInAFreshOrderOnEachPageLoad() {
        WebDriver page = browser.driver();
        Set<List<String>> orders = new HashSet<>();
        for (int load = 0; load < 4; load++) {
            page.get("http://localhost:" + port + "/");
            List<String> shown =
                    await().until(() -> classesOffered(page), options -> options.size() == Food11.LABELS.size());
            assertThat(shown).containsExactlyInAnyOrderElementsOf(Food11.LABELS);
            orders.add(shown);
        }
        // four loads in one fixed order would happen by chance with probability (1/11!)^3
        assertThat(orders).hasSizeGreaterThan(1);
    }

    private static List<String> classesOffered(WebDriver page) {
        // by value: before an upload the picker is in a hidden section, and hidden text reads as ""
        return page.findElements(By.cssSelector("#correction option")).stream()
                .map(o -> o.getDomProperty("value"))
                .toList();
    }

    private static void clickAndWaitFor(WebDriver page, String button, String text) {
        page.findElement(By.id(button)).click();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            WebElement status = page.findElement(By.id("feedback-status"));
            return status.getText().contains(text) && "ok".equals(status.getAttribute("class"));
        });
    }

    private static Prediction prediction(Upload upload, String label, double confidence) {
        int index = Food11.LABELS.indexOf(label);
        return new Prediction(
                upload.uploadId(),
                upload.object(),
                new ModelRef("food11-test", "1"),
                label,
                index,
                confidence,
                List.of(new ScoredLabel(label, index, confidence)),
                3.0,
                Instant.now());
    }

    private static String sha256(byte[] bytes) throws Exception {
        return java.util.HexFormat.of()
                .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
