package io.github.wschaos.examples.browser;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Debian's headless Chromium through Debian's {@code chromedriver}, with the browser console captured.
 *
 * <p>Both paths are given to Selenium, so Selenium Manager is never asked to find or download a driver or a
 * browser. Without them, the browser examples are skipped on a developer's machine and fail in CI
 * ({@code CI=true}), where {@code .ci/run} installs {@code chromium} and {@code chromium-driver}.
 */
final class HeadlessChromium implements AutoCloseable {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    private final Path profile;
    private final ChromeDriver driver;
    private final List<String> console = new CopyOnWriteArrayList<>();

    private HeadlessChromium() throws IOException {
        profile = Files.createTempDirectory("wschaos-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile);
        LoggingPreferences logging = new LoggingPreferences();
        logging.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logging);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        driver = new ChromeDriver(service, options);
    }

    /**
     * Starts the browser, or skips the test when Chromium is not installed outside CI.
     *
     * @throws IllegalStateException in CI when Chromium or its driver is missing
     */
    static HeadlessChromium start() throws IOException {
        boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!installed && "true".equals(System.getenv("CI"))) {
            throw new IllegalStateException(CHROMIUM + " and " + CHROMEDRIVER + " are needed in CI: .ci/run installs "
                    + "the Debian packages chromium and chromium-driver");
        }
        Assumptions.assumeTrue(installed, "Chromium is not installed (apt-get install chromium chromium-driver)");
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        return new HeadlessChromium();
    }

    /** Opens {@code url} in the browser's one tab. */
    void open(String url) {
        driver.get(url);
    }

    /** The events the page logged in {@code window.wschaosEvents}: {@code open}, {@code close 1006 clean=false}, ... */
    @SuppressWarnings("unchecked")
    List<String> pageEvents() {
        return List.copyOf((List<String>) driver.executeScript("return window.wschaosEvents || [];"));
    }

    /** Every console message so far (Chromium hands each out once; they are kept here). */
    List<String> console() {
        for (LogEntry entry : driver.manage().logs().get(LogType.BROWSER)) {
            console.add(entry.getMessage());
        }
        return List.copyOf(console);
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            } catch (IOException e) {
                throw new UncheckedIOException("Could not delete the browser profile " + profile, e);
            }
        }
    }
}
