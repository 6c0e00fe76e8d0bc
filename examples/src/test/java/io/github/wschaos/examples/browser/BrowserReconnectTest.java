package io.github.wschaos.examples.browser;

import static io.github.wschaos.assertj.WebSocketChaosAssertions.assertThat;
import static java.time.Duration.ofMillis;
import static org.awaitility.Awaitility.await;

import io.github.wschaos.ChaosProxy;
import io.github.wschaos.assertj.Backoff;
import io.github.wschaos.assertj.Tolerance;
import io.github.wschaos.examples.support.AppServer;
import io.github.wschaos.examples.support.AppServer.Page;
import io.github.wschaos.fault.FaultHandle;
import io.github.wschaos.fault.Faults;
import io.github.wschaos.fault.Target;
import io.github.wschaos.record.ConnectionRecord;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The browser example: a page's native {@code WebSocket} in headless Chromium, through the proxy.
 *
 * <p><b>Symptom.</b> The page works on {@code localhost} and fails once served from its real origin: the console
 * shows "WebSocket connection to 'ws://…' failed: Error during WebSocket handshake: Unexpected response code: 403",
 * the {@code close} event says 1006, not clean, and the page keeps retrying. After a restart, pages whose socket
 * does not reconnect stay silent.
 *
 * <p><b>Cause.</b> The server's allowed origins do not include the page's origin; and a restart closes every
 * socket with 1012.
 *
 * <p><b>Fix.</b> Add the page's origin to the allowed list; reconnect after any close with a capped backoff, as the
 * page here does (100 ms doubling to 800 ms, reset on open).
 *
 * <p>The assertions read the proxy's recording, which works for any client, a browser included, and the browser's
 * console, captured through Selenium's {@code goog:loggingPrefs}. Tolerance on the delays: 150 ms or 25 %,
 * whichever is larger: the browser's timers and its network process run on the same busy machine, and at a load
 * average of 9 on two cores the first delay once came 111 ms late.
 */
class BrowserReconnectTest {

    private static final Duration INITIAL = ofMillis(100);
    private static final Duration MAX = ofMillis(800);
    private static final Tolerance TOLERANCE = new Tolerance(ofMillis(150), 0.25);
    private static final Duration WAIT = Duration.ofSeconds(15);

    private static HeadlessChromium browser;

    private AppServer app;
    private ChaosProxy proxy;

    @BeforeAll
    static void startBrowser() throws IOException {
        browser = HeadlessChromium.start();
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    @BeforeEach
    void start() throws IOException {
        app = AppServer.start(List.of("/echo"), Map.of("/", Page.html(page())));
        proxy = ChaosProxy.start(app.wsUri("/echo"));
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.open("about:blank"); // closes the page's socket before the proxy goes
        }
        proxy.close();
        app.close();
    }

    @Test
    void aRejectedOriginShowsInTheConsoleAndIsRetriedWithBackoffUntilAllowed() {
        String pageOrigin = "http://127.0.0.1:" + app.httpUri("/").getPort();
        FaultHandle wrongList = proxy.inject(Faults.rejectOrigins("https://app.example.com"));

        openPage();

        assertThat(proxy).within(WAIT).hasAtLeastAttempts(5);
        await().atMost(WAIT).untilAsserted(() -> assertThat(browser.console())
                .anyMatch(line -> line.contains("failed: Error during WebSocket handshake: Unexpected response code: 403")));
        assertThat(proxy.recording().attempt(1).header("Origin")).contains(pageOrigin);
        assertThat(browser.pageEvents()).contains("close 1006 clean=false").doesNotContain("open");

        wrongList.close();
        proxy.inject(Faults.rejectOrigins("https://app.example.com", pageOrigin));

        assertThat(proxy).within(WAIT).reconnects().resumedTraffic();
        List<ConnectionRecord> attempts = proxy.recording().connections();
        assertThat(attempts.subList(0, attempts.size() - 1)).allMatch(attempt -> attempt.status() == 403);
        // 100, 200, 400, 800, 800, ... ms between the rejected attempts, and up to the one that got through
        assertThat(proxy).reconnects().withTolerance(TOLERANCE)
                .followBackoff(Backoff.exponential(INITIAL, 2.0).cappedAt(MAX));
        await().atMost(WAIT).until(() -> browser.pageEvents().contains("message hello"));
    }

    @Test
    void aRestartClosesWith1012AndThePageReconnects() {
        openPage();
        assertThat(proxy).within(WAIT).attempt(1).isUpgraded().hasMessagesBothWays(1);

        proxy.inject(Faults.closeWithCode(1012, "service restart"), Target.attempt(1));

        assertThat(proxy).within(WAIT).reconnects().resumedTraffic();
        assertThat(proxy).hasAttempts(2).attempt(1).closedWithCode(1012);
        assertThat(proxy).reconnects().withTolerance(TOLERANCE).followBackoff(Backoff.constant(INITIAL));
        await().atMost(WAIT).untilAsserted(() -> assertThat(browser.pageEvents())
                .containsSubsequence("open", "message hello", "close 1012 clean=true", "open", "message hello"));
    }

    private void openPage() {
        browser.open(app.httpUri("/") + "?ws=" + URLEncoder.encode(proxy.uri().toString(), StandardCharsets.UTF_8));
    }

    private static String page() throws IOException {
        try (InputStream in = BrowserReconnectTest.class.getResourceAsStream("reconnecting-page.html")) {
            if (in == null) {
                throw new IllegalStateException("reconnecting-page.html is missing next to " + BrowserReconnectTest.class);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
