package io.gourmetgram.loop.events.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * A real, headless Chromium for page tests, driven through its WebDriver ({@code chromedriver}),
 * both from Debian ({@code apt-get install -y chromium chromium-driver}; CI's {@code .ci/run}
 * installs them). Nothing is downloaded: Selenium is pointed at the installed binaries, so its
 * driver manager never runs.
 *
 * <p>Without Chromium the test fails, naming the install command, unless
 * {@code -Dgourmetgram.browser.skip=true} is given (then browser tests are skipped). Other
 * locations: {@code -Dgourmetgram.browser.chromium=/path} and {@code -Dgourmetgram.browser.chromedriver=/path}.
 */
public final class HeadlessChromium implements AutoCloseable {

    public static final String SKIP_PROPERTY = "gourmetgram.browser.skip";
    public static final String INSTALL_COMMAND = "apt-get install -y chromium chromium-driver";
    private static final Path SCREENSHOTS = Path.of("target", "browser-screenshots");

    private final ChromeDriver driver;
    private final Path profile;

    private HeadlessChromium(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    /** Starts a browser with a fresh profile, or fails (or skips, see class comment) when Chromium is not installed. */
    public static HeadlessChromium start() {
        Path chromium = Path.of(System.getProperty("gourmetgram.browser.chromium", "/usr/bin/chromium"));
        Path chromedriver = Path.of(System.getProperty("gourmetgram.browser.chromedriver", "/usr/bin/chromedriver"));
        if (!Files.isExecutable(chromium) || !Files.isExecutable(chromedriver)) {
            String missing = "Browser tests need Chromium and its WebDriver (" + chromium + ", " + chromedriver
                    + "): install them with `" + INSTALL_COMMAND + "` (CI's .ci/run does), or run with -D"
                    + SKIP_PROPERTY + "=true to skip the browser tests.";
            if (Boolean.getBoolean(SKIP_PROPERTY)) {
                Assumptions.abort(missing);
            }
            fail(missing);
        }
        try {
            Path profile = Files.createTempDirectory("gourmetgram-chromium-");
            ChromeOptions options = new ChromeOptions();
            options.setBinary(chromium.toFile());
            // Root on a build machine: no sandbox; no GPU, no background traffic, no first-run dialogs.
            options.addArguments(
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-quic",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--disable-dev-shm-usage",
                    "--window-size=1200,1000",
                    "--user-data-dir=" + profile);
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(chromedriver.toFile())
                    .usingAnyFreePort()
                    .build();
            ChromeDriver driver = new ChromeDriver(service, options);
            driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30)).scriptTimeout(Duration.ofSeconds(30));
            return new HeadlessChromium(driver, profile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public WebDriver driver() {
        return driver;
    }

    /** Saves what the browser shows as {@code target/browser-screenshots/<name>.png} (a test artifact) and returns its path. */
    public Path screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Path file = SCREENSHOTS.resolve(name + ".png");
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs a script in the page and returns its result (for checks a user would see, e.g. that the page was not reloaded). */
    public Object script(String script, Object... args) {
        return driver.executeScript(script, args);
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a leftover temporary profile is harmless
            }
        }
    }
}
