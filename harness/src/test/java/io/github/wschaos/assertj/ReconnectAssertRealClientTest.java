package io.github.wschaos.assertj;

import static io.github.wschaos.assertj.WebSocketChaosAssertions.assertThat;
import static io.github.wschaos.assertj.WebSocketChaosAssertions.assertThatThrownBy;
import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;

import io.github.wschaos.fault.Faults;
import io.github.wschaos.testing.EchoBehindProxy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The reconnect assertions against a real client, the JDK's HttpClient WebSocket in a reconnect loop, through faults
 * whose timing the client decides: a right assertion must pass, a wrong one must fail.
 */
class ReconnectAssertRealClientTest {

    @RegisterExtension
    final EchoBehindProxy echo = new EchoBehindProxy();

    @Test
    void aClientThatKeepsRetryingThroughLongHandshakeTimeoutsHasNotGivenUp() {
        echo.proxy().inject(Faults.blackhole());
        // Never gives up: each handshake times out after 3 s, the next comes 300 ms later. The quiet period of 2 s is
        // longer than the 300 ms pause (room for a loaded machine) but shorter than the handshake timeout: it must run
        // from attempt 2's end, not from its start.
        try (JdkReconnectingClient client = JdkReconnectingClient.start(echo.proxy().uri(),
                JdkReconnectingClient.delays(300), 0, ofSeconds(3))) {
            assertThatThrownBy(() -> assertThat(echo.proxy()).within(ofSeconds(20)).reconnects().gaveUpAfter(2, ofSeconds(2)))
                    .hasMessageContaining("to give up after 2 attempts")
                    .hasMessageContaining("but attempt #3 came ");
        }
    }

    @Test
    void aHandshakeStillPendingIsNotGivenUp() {
        echo.proxy().inject(Faults.blackhole());
        try (JdkReconnectingClient client = JdkReconnectingClient.start(echo.proxy().uri(),
                JdkReconnectingClient.delays(300), 0, ofSeconds(30))) {
            assertThatThrownBy(() -> assertThat(echo.proxy()).within(ofSeconds(2)).reconnects().gaveUpAfter(1, ofMillis(300)))
                    .hasMessageContaining("to give up after 1 attempt")
                    .hasMessageContaining("but attempt #1 is still open (no answer yet) after 2000ms");
        }
    }

    @Test
    void aHealthyConnectionIsNotGivingUp() {
        try (JdkReconnectingClient client = JdkReconnectingClient.start(echo.proxy().uri(),
                JdkReconnectingClient.delays(300), 0, ofSeconds(5))) {
            assertThat(echo.proxy()).within(ofSeconds(10)).attempt(1).isUpgraded();
            assertThatThrownBy(() -> assertThat(echo.proxy()).within(ofSeconds(1)).reconnects().gaveUpAfter(1, ofMillis(300)))
                    .hasMessageContaining("but attempt #1 is still open (upgraded)");
        }
    }

    @Test
    void aClientThatGivesUpAfterRejectionsPasses() {
        echo.proxy().inject(Faults.respondWithStatus(503));
        try (JdkReconnectingClient client = JdkReconnectingClient.start(echo.proxy().uri(),
                JdkReconnectingClient.delays(200), 3, ofSeconds(5))) {
            assertThat(echo.proxy()).within(ofSeconds(10)).reconnects().gaveUpAfter(3, ofSeconds(1));
            assertThatThrownBy(() -> assertThat(echo.proxy()).reconnects().gaveUpAfter(2, ofMillis(300)))
                    .hasMessageContaining("but attempt #3 came ");
        }
    }

    @Test
    void aClientThatGivesUpOnBlackholedHandshakesPasses() {
        echo.proxy().inject(Faults.blackhole());
        try (JdkReconnectingClient client = JdkReconnectingClient.start(echo.proxy().uri(),
                JdkReconnectingClient.delays(300), 2, ofSeconds(1))) {
            assertThat(echo.proxy()).within(ofSeconds(10)).reconnects().gaveUpAfter(2, ofSeconds(1));
        }
        System.out.println(echo.proxy().recording().timeline());
    }

    @Test
    void aCappedBackoffWithJitterIsAHardCapUnlessTheJitterMayExceedIt() {
        echo.proxy().inject(Faults.respondWithStatus(503));
        // A client whose cap of 2 s is broken: it waits 2.7 s, past the 2 s cap plus the tolerance (600 ms: a loaded
        // machine delayed a fresh JDK client's first retry by 680 ms), but within 2 s * 1.5 (jitter 0.5) plus it.
        try (JdkReconnectingClient client = JdkReconnectingClient.start(echo.proxy().uri(),
                JdkReconnectingClient.delays(500, 1000, 2000, 2700), 5, ofSeconds(5))) {
            assertThat(echo.proxy()).within(ofSeconds(30)).reconnects().gaveUpAfter(5, ofMillis(500));
        }
        Backoff capped = Backoff.exponential(ofMillis(500), 2.0).cappedAt(ofSeconds(2)).withJitter(0.5);
        assertThatThrownBy(() -> assertThat(echo.proxy()).reconnects().withTolerance(LOADED).followBackoff(capped))
                .hasMessageContaining("to reconnect with exponential from 500ms x2.0 capped at 2000ms with 50% jitter")
                .hasMessageContaining("the delay before attempt #5 was ")
                .hasMessageContaining("outside 0.400s..2.600s");
        assertThat(echo.proxy()).reconnects().withTolerance(LOADED).followBackoff(capped.jitterAboveCap());
        assertThat(capped.jitterAboveCap().toString()).contains("capped at 2000ms before jitter with 50% jitter");
    }

    @Test
    void aClientThatRespectsTheCapPassesIt() {
        echo.proxy().inject(Faults.respondWithStatus(503));
        try (JdkReconnectingClient client = JdkReconnectingClient.start(echo.proxy().uri(),
                JdkReconnectingClient.delays(500, 1000, 2000, 2000), 5, ofSeconds(5))) {
            assertThat(echo.proxy()).within(ofSeconds(30)).reconnects().gaveUpAfter(5, ofMillis(500));
        }
        assertThat(echo.proxy()).reconnects().withTolerance(LOADED)
                .followBackoff(Backoff.exponential(ofMillis(500), 2.0).cappedAt(ofSeconds(2)).withJitter(0.5));
    }

    /** 600 ms or 20 %: a loaded machine delayed a fresh JDK client's first retry by 680 ms. */
    private static final Tolerance LOADED = new Tolerance(ofMillis(600), 0.2);
}
