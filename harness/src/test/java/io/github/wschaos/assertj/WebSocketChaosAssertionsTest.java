package io.github.wschaos.assertj;

import static io.github.wschaos.assertj.WebSocketChaosAssertions.assertThat;
import static io.github.wschaos.assertj.WebSocketChaosAssertions.assertThatThrownBy;
import static java.time.Duration.ofMillis;

import io.github.wschaos.fault.Faults;
import io.github.wschaos.fault.Target;
import io.github.wschaos.record.Outcome;
import io.github.wschaos.testing.EchoBehindProxy;
import io.github.wschaos.testing.JdkWebSocketClient;
import io.github.wschaos.testing.RawWebSocket;
import io.github.wschaos.testing.ScriptedReconnector;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The assertions against a client whose schedule the test sets, so that a right assertion must pass and a
 * wrong one must fail with a message that shows the timeline.
 */
class WebSocketChaosAssertionsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @RegisterExtension
    final EchoBehindProxy echo = new EchoBehindProxy();

    @Test
    void cappedExponentialBackoffPassesAndAConstantOneFails() throws Exception {
        echo.proxy().inject(Faults.respondWithStatus(503));
        runSchedule(List.of(ofMillis(200), ofMillis(400), ofMillis(800), ofMillis(800)));
        // 150 ms or 20 %: a loaded 2-core CI machine delays a scheduled reconnect by up to ~100 ms.
        Tolerance loadedMachine = new Tolerance(ofMillis(150), 0.2);

        assertThat(echo.proxy()).hasAttempts(5).attempt(3).wasRejectedWith(503).wasHitBy("respond-with-status");
        assertThatThrownBy(() -> assertThat(echo.proxy()).attempt(3).isUpgraded())
                .hasMessageContaining("Expecting attempt #3")
                .as("the whole timeline, with attempt #3's delay since attempt #2")
                .hasMessageMatching("(?s).*\\R\\s+2\\s+\\d+\\.\\d{3}s  REJECTED 503 .*"
                        + "\\R\\s+3\\s+\\d+\\.\\d{3}s  REJECTED 503\\s+\\d+\\.\\d{3}s .*\\R\\s+5\\s.*");
        assertThat(echo.proxy()).reconnects().withTolerance(loadedMachine)
                .followBackoff(Backoff.exponential(ofMillis(200), 2.0).cappedAt(ofMillis(800)));

        assertThatThrownBy(() -> assertThat(echo.proxy()).reconnects().withTolerance(loadedMachine)
                .followBackoff(Backoff.constant(ofMillis(200))))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("to reconnect with constant 200ms")
                .hasMessageContaining("the delay before attempt #3 was ")
                .hasMessageContaining("attempt  since start  outcome")
                .hasMessageContaining("REJECTED 503");
        assertThatThrownBy(() -> assertThat(echo.proxy()).reconnects().withTolerance(loadedMachine)
                .followBackoff(Backoff.exponential(ofMillis(200), 2.0)))
                .hasMessageContaining("the delay before attempt #5");
    }

    @Test
    void constantBackoffWithinATolerance() throws Exception {
        echo.proxy().inject(Faults.refuseConnections());
        runSchedule(List.of(ofMillis(150), ofMillis(150), ofMillis(150)));
        assertThat(echo.proxy()).attempt(1).hasOutcome(Outcome.REFUSED);
        // 100 ms: a loaded 2-core machine delays a scheduled reconnect by up to ~100 ms (seen: 66 ms late, the first).
        assertThat(echo.proxy()).reconnects().withTolerance(Tolerance.of(ofMillis(100))).followBackoff(Backoff.constant(ofMillis(150)));
        assertThatThrownBy(() -> assertThat(echo.proxy()).reconnects().withTolerance(Tolerance.of(ofMillis(10)))
                .followBackoff(Backoff.constant(ofMillis(300))))
                .hasMessageContaining("but the delay before attempt #2 was ")
                .hasMessageContaining("outside 0.290s..0.310s; before attempt #3 ")
                .as("every delay out of range is named, not the first alone")
                .hasMessageContaining("; before attempt #4 ");
    }

    @Test
    void givingUpAndStorms() throws Exception {
        echo.proxy().inject(Faults.respondWithStatus(502));
        try (ScriptedReconnector client = ScriptedReconnector.start(echo.proxy().uri(), List.of(ofMillis(80), ofMillis(80)))) {
            assertThat(echo.proxy()).reconnects().gaveUpAfter(3, ofMillis(400));
        }
        assertThat(echo.proxy()).reconnects().hasNoStormFasterThan(ofMillis(50));
        assertThatThrownBy(() -> assertThat(echo.proxy()).reconnects().hasNoStormFasterThan(ofMillis(500)))
                .hasMessageContaining("to wait at least 0.500s between attempts")
                .hasMessageContaining("but attempt #2 came ");
        assertThatThrownBy(() -> assertThat(echo.proxy()).reconnects().gaveUpAfter(2, ofMillis(100)))
                .hasMessageContaining("to give up after 2 attempts")
                .hasMessageContaining("but attempt #3 came ").hasMessageContaining("after attempt #2 ended, within the quiet period of 0.100s (3 attempts in all)");
    }

    @Test
    void aConnectionWhoseServerSentACloseFrameIsNotOpenWhileTheClientHasNotAnswered() throws Exception {
        try (RawWebSocket client = RawWebSocket.open(echo.proxy().address(), echo.proxy().uri().getPath())) {
            client.sendText("hello");
            assertThat(client.readFrame(0x81)).isEqualTo("hello");
            assertThat(echo.proxy()).within(WAIT).attempt(1).isOpen();

            client.sendText("close:1002:bad token"); // the server closes; this client never answers
            assertThat(client.readFrame(0x88)).endsWith("bad token");
            org.awaitility.Awaitility.await("the close frame's write noted").atMost(WAIT)
                    .until(() -> echo.proxy().recording().attempt(1).closingAt().isPresent());

            assertThatThrownBy(() -> assertThat(echo.proxy()).attempt(1).isOpen())
                    .hasMessageContaining("to be open but it is closing since");
        }
    }

    @Test
    void noReconnectAfterANormalCloseAndResumedTraffic() throws Exception {
        try (JdkWebSocketClient client = JdkWebSocketClient.connect(echo.proxy().uri())) {
            client.send("hello");
            client.sendClose(1000, "done");
            client.closeCode().get(5, TimeUnit.SECONDS);
        }
        assertThat(echo.proxy()).reconnects().doesNotReconnectAfterNormalClose(ofMillis(300));
        assertThat(echo.proxy()).within(WAIT).attempt(1).isUpgraded().closedWithCode(1000);
        assertThatThrownBy(() -> assertThat(echo.proxy()).attempt(1).isOpen())
                .hasMessageContaining("to be open but it closed with: client sent close 1000");
        assertThatThrownBy(() -> assertThat(echo.proxy()).reconnects().resumedTraffic())
                .hasMessageContaining("there was only one attempt");

        try (JdkWebSocketClient again = JdkWebSocketClient.connect(echo.proxy().uri())) {
            again.send("back");
            assertThat(echo.proxy()).within(WAIT).reconnects().resumedTraffic();
            assertThat(echo.proxy()).attempt(2).isOpen();
        }
    }

    @Test
    void resumedTrafficSaysWhenNoReconnectWasUpgradedAtAll() throws Exception {
        try (JdkWebSocketClient client = JdkWebSocketClient.connect(echo.proxy().uri())) {
            client.send("hello");
            client.sendClose(1000, "done");
            client.closeCode().get(5, TimeUnit.SECONDS);
        }
        echo.proxy().inject(Faults.respondWithStatus(503));
        assertThat(JdkWebSocketClient.handshakeFailure(echo.proxy().uri(), null, WAIT, null)).isNotNull();

        assertThatThrownBy(() -> assertThat(echo.proxy()).reconnects().resumedTraffic())
                .hasMessageContaining("but no connection was upgraded after attempt #1 ended");
    }

    @Test
    void aReconnectAfterANormalCloseFailsAtOnceNamingTheDelay() throws Exception {
        try (JdkWebSocketClient client = JdkWebSocketClient.connect(echo.proxy().uri())) {
            client.sendClose(1000, "done");
            client.closeCode().get(5, TimeUnit.SECONDS);
        }
        try (JdkWebSocketClient again = JdkWebSocketClient.connect(echo.proxy().uri())) {
            assertThat(echo.proxy()).within(WAIT).hasAttempts(2);
            long start = System.nanoTime();
            assertThatThrownBy(() -> assertThat(echo.proxy()).reconnects().doesNotReconnectAfterNormalClose(ofMillis(300)))
                    .hasMessageContaining("not to reconnect after the normal close of attempt #1")
                    .hasMessageContaining("but attempt #2 came ")
                    .hasMessageContaining("client sent close 1000");
            // Tolerance: "at once" is well under the 10 s the assertion would wait for a normal close.
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        }
    }

    @Test
    void aDescriptionOrAMessageTheUserSetIsWhatAFailureSaysAlongTheWholeChain() throws Exception {
        try (JdkWebSocketClient client = JdkWebSocketClient.connect(echo.proxy().uri())) {
            client.send("hello");
            assertThat(echo.proxy()).within(WAIT).attempt(1).hasMessagesBothWays(1);

            assertThatThrownBy(() -> assertThat(echo.proxy()).as("client after deploy").hasAttempts(2))
                    .hasMessageStartingWith("[client after deploy] ")
                    .hasMessageContaining("to have exactly 2 attempts but had 1");
            assertThatThrownBy(() -> assertThat(echo.proxy()).describedAs("the %s client", "JDK").within(ofMillis(100))
                    .attempt(1).closedWithCode(1000))
                    .hasMessageStartingWith("[the JDK client] Within 100ms")
                    .hasMessageContaining("to be closed but it is still open");
            assertThatThrownBy(() -> assertThat(echo.proxy()).as("after deploy").reconnects().only(record -> true)
                    .withTolerance(Tolerance.of(ofMillis(10))).followBackoff(Backoff.constant(ofMillis(100))))
                    .hasMessageStartingWith("[after deploy] ")
                    .hasMessageContaining("a backoff needs at least 2");
            assertThatThrownBy(() -> assertThat(echo.proxy()).reconnects().as("reconnects").hasAtLeastAttempts(3))
                    .hasMessageStartingWith("[reconnects] ");
            assertThatThrownBy(() -> assertThat(echo.proxy()).withFailMessage("custom: no reconnect").reconnects()
                    .resumedTraffic())
                    .hasMessage("custom: no reconnect");
            assertThatThrownBy(() -> assertThat(echo.proxy()).attempt(1).overridingErrorMessage("not %s", "closed")
                    .closedWithoutCloseFrame())
                    .hasMessage("not closed");
        }
    }

    @Test
    void aFaultNameNoFaultHasIsRefusedRatherThanReadAsAFaultThatDidNotAct() throws Exception {
        try (JdkWebSocketClient client = JdkWebSocketClient.connect(echo.proxy().uri())) {
            assertThat(echo.proxy()).within(WAIT).attempt(1).isUpgraded();
            assertThatThrownBy(() -> assertThat(echo.proxy()).attempt(1).wasHitBy("drop_idle"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("fault name 'drop_idle' is no fault's name (Toxiproxy's drop_idle is written"
                            + " drop-idle here); accepted: strip-upgrade-headers, drop-idle, ");
            assertThatThrownBy(() -> assertThat(echo.proxy()).attempt(1).wasHitBy("dropIdle"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'dropIdle' is no fault's name; accepted: ");
            assertThatThrownBy(() -> assertThat(echo.proxy()).attempt(1).wasHitBy("drop-idle"))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("to be hit by drop-idle but the faults that touched it were []");
        }
    }

    @Test
    void anIdleTimeoutTouchesAConnectionWhenItUpgradesButEndsItOnlyWhenItCuts() throws Exception {
        echo.proxy().inject(Faults.dropIdleConnections(Duration.ofSeconds(30)), Target.attempt(1));
        echo.proxy().inject(Faults.dropIdleConnections(ofMillis(200)), Target.attempt(2));
        try (JdkWebSocketClient kept = JdkWebSocketClient.connect(echo.proxy().uri())) {
            assertThat(echo.proxy()).within(WAIT).attempt(1).isUpgraded().wasHitBy("drop-idle").isOpen();
            assertThatThrownBy(() -> assertThat(echo.proxy()).attempt(1).wasEndedBy("drop-idle"))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("to be closed but it is still open");
            try (JdkWebSocketClient cut = JdkWebSocketClient.connect(echo.proxy().uri())) {
                assertThat(cut.closeCode().get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(1006);
                assertThat(echo.proxy()).within(WAIT).attempt(2).wasHitBy("drop-idle").wasEndedBy("drop-idle")
                        .closedWithoutCloseFrame();
                assertThatThrownBy(() -> assertThat(echo.proxy()).attempt(2).wasEndedBy("reset"))
                        .isInstanceOf(AssertionError.class)
                        .hasMessageContaining("to be ended by reset but it was: no close frame, TCP closed by proxy"
                                + " (drop-idle)");
                assertThatThrownBy(() -> assertThat(echo.proxy()).attempt(2).wasEndedBy("drop_idle"))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("'drop_idle' is no fault's name");
            }
        }
    }

    @Test
    void waitsWithinABoundAndReportsTheBound() {
        echo.proxy().inject(Faults.respondWithStatus(503), Target.next(1));
        assertThatThrownBy(() -> assertThat(echo.proxy()).within(ofMillis(200)).hasAtLeastAttempts(1))
                .hasMessageContaining("Within 200ms")
                .hasMessageContaining("to have at least 1 attempt but had 0")
                .hasMessageContaining("(no connection attempts)");
    }

    @Test
    void followBackoffWaitsForItsTwoAttemptsWithinABound() throws Exception {
        assertThatThrownBy(() -> assertThat(echo.proxy()).within(ofMillis(200)).reconnects()
                .followBackoff(Backoff.constant(ofMillis(300))))
                .hasMessageContaining("Within 200ms")
                .hasMessageContaining("to reconnect with constant 300ms")
                .hasMessageContaining("but there was no attempt: a backoff needs at least 2")
                .hasMessageContaining("(no connection attempts)");

        echo.proxy().inject(Faults.respondWithStatus(503));
        try (ScriptedReconnector client = ScriptedReconnector.start(echo.proxy().uri(), List.of(ofMillis(300)))) {
            // Asserted while the client waits its 300 ms: the second attempt is yet to come.
            assertThat(echo.proxy()).within(WAIT).reconnects().withTolerance(new Tolerance(ofMillis(150), 0.2))
                    .followBackoff(Backoff.constant(ofMillis(300)));
            client.done().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void badArgumentsAreNamed() {
        assertThatThrownBy(() -> Backoff.exponential(ofMillis(100), 1.0)).hasMessageContaining("factor 1.0");
        assertThatThrownBy(() -> Backoff.exponential(ofMillis(100), 2.0).cappedAt(ofMillis(50)))
                .hasMessageContaining("cap PT0.05S is below the initial delay PT0.1S");
        assertThatThrownBy(() -> assertThat(echo.proxy()).hasAttempts(-1)).hasMessageContaining("attempt count -1");
        assertThatThrownBy(() -> Backoff.constant(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("constant delay PT0S must be positive, e.g. PT0.1S");
        // A missing delay is a bad argument like a zero one, not a NullPointerException.
        assertThatThrownBy(() -> Backoff.exponential(null, 2.0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("initial delay null must be positive, e.g. PT0.1S");
        assertThatThrownBy(() -> Backoff.constant(ofMillis(10)).withJitter(1.5)).hasMessageContaining("jitter 1.5");
        assertThatThrownBy(() -> assertThat(echo.proxy()).reconnects().gaveUpAfter(0, ofMillis(10))).hasMessageContaining("attempts 0");
    }

    private void runSchedule(List<Duration> delays) throws Exception {
        try (ScriptedReconnector client = ScriptedReconnector.start(echo.proxy().uri(), delays)) {
            client.done().get(10, TimeUnit.SECONDS);
        }
        assertThat(echo.proxy()).within(WAIT).hasAttempts(delays.size() + 1);
        org.awaitility.Awaitility.await().atMost(WAIT).until(() ->
                echo.proxy().recording().connections().stream().allMatch(record -> record.isClosed()));
    }
}
