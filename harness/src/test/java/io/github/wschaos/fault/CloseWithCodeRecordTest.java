package io.github.wschaos.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.wschaos.ChaosProxy;
import io.github.wschaos.record.ConnectionRecord;
import io.github.wschaos.testing.RawHttp;
import io.github.wschaos.testing.RawUpstream;
import io.github.wschaos.testing.RawWebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What the record says of a connection that ends while something holds its close up: an upstream slow to answer the
 * close (or never, so that the proxy closes its side after the grace period), a latency toxic, a timeout toxic that
 * drops the close frame. The frames the proxy drops after its close are not counted as relayed, and the attempt ends
 * when the client is done with it (its answer to the close, or its TCP close), so that a client that reconnects at
 * once has a delay of about zero: not minus the upstream's grace period, nor plus the latency, nor counted from a
 * close frame the client never got.
 */
class CloseWithCodeRecordTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final byte[] CLOSE_1012 = RawUpstream.closeFrame(1012, "restart");
    private static final Duration LATENCY = Duration.ofMillis(800);
    private static final Duration TOXIC_TIMEOUT = Duration.ofSeconds(2);
    /** Longer than the close's grace period (1 s). */
    private static final Duration LONG_LATENCY = Duration.ofMillis(1500);

    @Test
    void framesTheUpstreamSendsAfterTheCloseAreDroppedAndNotCounted() throws Exception {
        CompletableFuture<Void> closeArrived = new CompletableFuture<>();
        try (RawUpstream upstream = RawUpstream.start(connection -> {
                    connection.readHead();
                    connection.write(RawUpstream.switchingProtocols(""), text("one"), text("two"));
                    connection.readBytes(2 + 4 + 2 + "restart".length()); // the proxy's masked close frame
                    closeArrived.complete(null);
                    connection.write(text("three"), text("four"), text("five")); // no close frame of its own
                    connection.readToEnd();
                });
                ChaosProxy proxy = ChaosProxy.start(upstream.uri());
                RawHttp client = RawHttp.connect(proxy.address())) {
            assertThat(client.send(RawHttp.upgradeRequest(proxy.address(), "/")).readHead().status()).isEqualTo(101);
            assertThat(client.readBytes(2 * text("one").length)).isEqualTo(concat(text("one"), text("two")));

            proxy.inject(Faults.closeWithCode(1012, "restart"));
            closeArrived.get(5, TimeUnit.SECONDS);

            assertThat(client.readBytes(CLOSE_1012.length)).as("the close frame, and nothing of the frames after it")
                    .isEqualTo(CLOSE_1012);
            ConnectionRecord record = await().atMost(WAIT).until(() -> proxy.recording().attempt(1),
                    ConnectionRecord::isClosed);
            assertThat(record.upstreamToClient().messages()).as("messages the client got").isEqualTo(2);
            assertThat(record.upstreamToClient().frames()).isEqualTo(2);
        }
    }

    @Test
    void anAttemptEndsForTheClientWithItsCloseWhileTheUpstreamSideWaitsOutTheGracePeriod() throws Exception {
        try (RawUpstream upstream = RawUpstream.start(connection -> {
                    connection.readHead();
                    connection.write(RawUpstream.switchingProtocols(""));
                    connection.readToEnd(); // never answers the close: the proxy closes this side after its grace
                });
                ChaosProxy proxy = ChaosProxy.start(upstream.uri())) {
            try (RawHttp first = RawHttp.connect(proxy.address())) {
                assertThat(first.send(RawHttp.upgradeRequest(proxy.address(), "/")).readHead().status()).isEqualTo(101);
                proxy.inject(Faults.closeWithCode(1012, "restart"), Target.attempt(1));
                assertThat(first.readBytes(CLOSE_1012.length)).isEqualTo(CLOSE_1012);
            }
            // The client reconnects at once, long before the upstream's side of the first attempt is closed.
            try (RawHttp second = RawHttp.connect(proxy.address())) {
                assertThat(second.send(RawHttp.upgradeRequest(proxy.address(), "/")).readHead().status())
                        .isEqualTo(101);
                ConnectionRecord first = await().atMost(WAIT).until(() -> proxy.recording().attempt(1),
                        ConnectionRecord::isClosed);
                ConnectionRecord next = proxy.recording().attempt(2);

                assertThat(first.closedAt().orElseThrow()).as("both sides closed: after the next attempt began")
                        .isGreaterThan(next.acceptedAt());
                assertThat(first.endedAt()).as("the end: the client's TCP close").isEqualTo(first.closingAt().orElseThrow());
                // Tolerance: the client closed and reconnected at once, so the proxy may see the new connection a
                // moment before the old one's FIN; 50 ms either way, where the upstream's side adds a second.
                assertThat(next.acceptedAt().minus(first.endedAt())).as("the delay before the next attempt")
                        .isBetween(Duration.ofMillis(-50), Duration.ofMillis(300));
            }
        }
    }

    @Test
    void underDownstreamLatencyTheAttemptEndsWhenTheClientAnswersTheCloseItGotLate() throws Exception {
        try (RawUpstream upstream = upgradingUpstream();
                ChaosProxy proxy = ChaosProxy.start(upstream.uri())) {
            proxy.inject(Faults.latency(LATENCY, Direction.DOWNSTREAM));
            assertDelayAfterClose(proxy, first -> {
                proxy.inject(Faults.closeWithCode(1012, "restart"), Target.attempt(1));
                assertThat(first.readBytes(CLOSE_1012.length)).isEqualTo(CLOSE_1012);
                RawWebSocket.over(first).sendClose(1012, "restart"); // as a client answers a close
                first.readTimeout(WAIT);
                first.readToEnd(); // the proxy closes TCP on the answer
            });
        }
    }

    /**
     * A latency longer than the close's grace period: the proxy's FIN waits for what the toxic holds, the 101 and the
     * close frame, as a FIN on a real network comes after the data sent before it. Before, the grace period's close
     * threw them away and the client saw its connection end before its handshake did ("unexpected EOF").
     */
    @Test
    void underALatencyLongerThanTheGracePeriodTheFinComesAfterTheHeldHandshakeAndCloseFrame() throws Exception {
        try (RawUpstream upstream = upgradingUpstream();
                ChaosProxy proxy = ChaosProxy.start(upstream.uri());
                RawHttp client = RawHttp.connect(proxy.address())) {
            proxy.inject(Faults.latency(LONG_LATENCY, Direction.DOWNSTREAM));
            proxy.inject(Faults.closeWithCode(1012, "restart", Duration.ofMillis(100)));
            client.readTimeout(WAIT);
            assertThat(client.send(RawHttp.upgradeRequest(proxy.address(), "/")).readHead().status()).isEqualTo(101);
            assertThat(client.readToEnd().getBytes(StandardCharsets.ISO_8859_1)).as("the close frame, then the FIN")
                    .isEqualTo(CLOSE_1012);
        }
    }

    @Test
    void underALatencyLongerThanAnIdleTimeoutTheCutComesAfterTheHeldHandshake() throws Exception {
        try (RawUpstream upstream = upgradingUpstream();
                ChaosProxy proxy = ChaosProxy.start(upstream.uri());
                RawHttp client = RawHttp.connect(proxy.address())) {
            proxy.inject(Faults.latency(LONG_LATENCY, Direction.DOWNSTREAM));
            proxy.inject(Faults.dropIdleConnections(Duration.ofMillis(300)));
            client.readTimeout(WAIT);
            assertThat(client.send(RawHttp.upgradeRequest(proxy.address(), "/")).readHead().status()).isEqualTo(101);
            assertThat(client.readToEnd()).as("no close frame, then the FIN").isEmpty();
            assertThat(await().atMost(WAIT).until(() -> proxy.recording().attempt(1), ConnectionRecord::isClosed).close())
                    .get().hasToString("no close frame, TCP closed by proxy (drop-idle)");
        }
    }

    @Test
    void aCloseFrameThatATimeoutToxicDropsDoesNotEndTheAttemptItsTcpCloseDoes() throws Exception {
        CompletableFuture<Void> sendClose = new CompletableFuture<>();
        try (RawUpstream upstream = RawUpstream.start(connection -> {
                    connection.readHead();
                    connection.write(RawUpstream.switchingProtocols(""));
                    sendClose.orTimeout(5, TimeUnit.SECONDS).join();
                    connection.write(RawUpstream.closeFrame(1001, "bye"));
                    connection.readToEnd();
                });
                ChaosProxy proxy = ChaosProxy.start(upstream.uri())) {
            assertDelayAfterClose(proxy, first -> {
                proxy.inject(Faults.timeout(TOXIC_TIMEOUT, Direction.DOWNSTREAM), Target.attempt(1));
                sendClose.complete(null);
                first.readTimeout(WAIT);
                assertThat(first.readToEnd()).as("no close frame reaches the client, only the toxic's FIN").isEmpty();
            });
        }
    }

    @Test
    void aClientThatReconnectsOnTheCloseBeforeAnsweringItHasADelayOfAboutZero() throws Exception {
        // The JDK client calls onClose on the close frame and answers it only once onClose's stage completes; OkHttp
        // answers only when the app calls close(): a reconnect from there comes before the old connection's end.
        try (RawUpstream upstream = upgradingUpstream();
                ChaosProxy proxy = ChaosProxy.start(upstream.uri());
                RawHttp first = RawHttp.connect(proxy.address())) {
            assertThat(first.send(RawHttp.upgradeRequest(proxy.address(), "/")).readHead().status()).isEqualTo(101);
            proxy.inject(Faults.closeWithCode(1012, "restart"), Target.attempt(1));
            assertThat(first.readBytes(CLOSE_1012.length)).isEqualTo(CLOSE_1012);
            try (RawHttp second = RawHttp.connect(proxy.address())) { // the first still open and unanswered
                assertThat(second.send(RawHttp.upgradeRequest(proxy.address(), "/")).readHead().status())
                        .isEqualTo(101);
                ConnectionRecord one = await().atMost(WAIT).until(() -> proxy.recording().attempt(1),
                        record -> record.closingAt().isPresent());
                Duration delay = proxy.recording().attempt(2).acceptedAt().minus(one.endedAt());
                // Tolerance as below: about zero, where the old connection's end (its grace period) is a second away.
                assertThat(delay).as("the delay of a client that reconnected at once").isBetween(Duration.ZERO,
                        Duration.ofMillis(300));
            }
        }
    }

    /** Runs the first attempt until the client is done with it, then reconnects at once: the delay is about zero. */
    private static void assertDelayAfterClose(ChaosProxy proxy, ClientSteps untilDone) throws Exception {
        try (RawHttp first = RawHttp.connect(proxy.address())) {
            assertThat(first.send(RawHttp.upgradeRequest(proxy.address(), "/")).readHead().status()).isEqualTo(101);
            untilDone.run(first);
        }
        try (RawHttp second = RawHttp.connect(proxy.address())) {
            assertThat(second.send(RawHttp.upgradeRequest(proxy.address(), "/")).readHead().status()).isEqualTo(101);
            ConnectionRecord first = await().atMost(WAIT).until(() -> proxy.recording().attempt(1),
                    ConnectionRecord::isClosed);
            Duration delay = proxy.recording().attempt(2).acceptedAt().minus(first.endedAt());
            // Tolerance: the client reconnects as soon as it is done; 300 ms is room for a loaded machine, far below
            // the latency (800 ms) or the toxic's timeout (2 s) that a wrong end would add or take away.
            assertThat(delay).as("the delay of a client that reconnected at once").isBetween(Duration.ZERO,
                    Duration.ofMillis(300));
        }
    }

    @FunctionalInterface
    private interface ClientSteps {
        void run(RawHttp client) throws Exception;
    }

    private static byte[] text(String text) {
        return RawUpstream.serverFrame(0x1, text.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = new byte[first.length + second.length];
        System.arraycopy(first, 0, both, 0, first.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }

    /** Upgrades the connection, then reads to its end and sends nothing: no answer to a close frame. */
    private static RawUpstream upgradingUpstream() throws java.io.IOException {
        return RawUpstream.start(connection -> {
            connection.readHead();
            connection.write(RawUpstream.switchingProtocols(""));
            connection.readToEnd();
        });
    }
}
