package io.github.wschaos.examples.failures;

import static io.github.wschaos.assertj.WebSocketChaosAssertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.wschaos.ChaosProxy;
import io.github.wschaos.examples.support.SocketIoApp;
import io.github.wschaos.fault.FaultHandle;
import io.github.wschaos.fault.Faults;
import io.github.wschaos.record.ConnectionRecord;
import io.github.wschaos.record.Outcome;
import io.socket.client.IO;
import io.socket.client.Socket;
import io.socket.engineio.client.transports.Polling;
import io.socket.engineio.client.transports.WebSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Example 5: a firewall or an HTTP-only proxy between the user and the server, and Socket.IO's long-polling
 * fallback.
 *
 * <p><b>Symptom.</b> Users on one corporate network never get real-time updates. A Socket.IO client configured
 * with {@code transports: ["websocket"]} (a common "optimisation") reports {@code connect_error}: "timeout" when a
 * firewall silently drops the connection, "websocket error" when a proxy lets only plain HTTP through; it retries
 * forever and never connects.
 *
 * <p><b>Cause.</b> The network in between blackholes the connection, or passes HTTP but not the WebSocket upgrade
 * (an HTTP/1.0 proxy drops {@code Upgrade}, as nginx does without upgrade configuration).
 *
 * <p><b>Fix.</b> Keep Socket.IO's default transports, {@code ["polling", "websocket"]}: the client connects over
 * HTTP long-polling first and upgrades only if a WebSocket gets through, so behind an HTTP-only proxy it keeps
 * working over polling. Against a full blackhole nothing helps but a connect timeout that fires and retries, until
 * the network lets the client through.
 *
 * <p>The proxy relays Socket.IO's long-polling as plain HTTP, so the recording shows both transports: polling
 * requests as {@code NOT_WEBSOCKET 200}, the refused upgrade as {@code REJECTED 502} (netty-socketio closes the
 * connection when the upgrade headers are missing; the proxy answers {@code 502} as nginx does).
 */
class Ex05FirewallSocketIoFallbackTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    /** Short, so that a blackholed attempt times out quickly. */
    private static final Duration SHORT_TIMEOUT = Duration.ofMillis(500);
    /**
     * Room for the first long-polling handshake in a cold JVM (OkHttp, engine.io and JSON classes load then: up to
     * 1 s on a busy machine).
     */
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private SocketIoApp app;
    private ChaosProxy proxy;
    private Socket socket;
    private final List<String> connectErrors = new CopyOnWriteArrayList<>();
    private final List<Object> echoes = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        app = SocketIoApp.start();
        proxy = ChaosProxy.start(app.wsUri());
    }

    @AfterEach
    void stop() {
        if (socket != null) {
            socket.close();
        }
        proxy.close();
        app.close();
    }

    @Test
    void aWebSocketOnlyClientTimesOutAgainstABlackholeUntilTheFirewallOpens() {
        FaultHandle firewall = proxy.inject(Faults.blackhole());
        connect(SHORT_TIMEOUT, WebSocket.NAME);

        await().atMost(WAIT).until(() -> connectErrors.size() >= 2);
        assertThat(connectErrors).allMatch(error -> error.contains("timeout"));
        assertThat(proxy).within(WAIT).hasAtLeastAttempts(2).attempt(1).wasHitBy("blackhole");
        assertThat(echoes).isEmpty();

        firewall.close(); // the firewall lets the traffic through again
        assertThat(proxy).within(WAIT).reconnects().resumedTraffic();
        await().atMost(WAIT).until(() -> echoes.contains("hello"));
    }

    @Test
    void aWebSocketOnlyClientNeverConnectsThroughAnHttpOnlyProxy() {
        proxy.inject(Faults.stripUpgradeHeaders());

        connect(TIMEOUT, WebSocket.NAME);

        await().atMost(WAIT).until(() -> connectErrors.size() >= 2);
        assertThat(connectErrors).allMatch(error -> error.contains("websocket error"));
        assertThat(proxy).within(WAIT).hasAtLeastAttempts(2).attempt(1).wasRejectedWith(502);
        assertThat(proxy).hasUpgradedConnections(0);
        assertThat(socket.connected()).isFalse();
    }

    @Test
    void fixedByLettingSocketIoStartWithLongPolling() {
        proxy.inject(Faults.stripUpgradeHeaders());

        connect(TIMEOUT, Polling.NAME, WebSocket.NAME);

        await().atMost(WAIT).until(() -> echoes.contains("hello"));
        assertThat(connectErrors).isEmpty();
        assertThat(proxy).hasUpgradedConnections(0);
        List<ConnectionRecord> attempts = proxy.recording().connections();
        assertThat(attempts).filteredOn(attempt -> attempt.target().contains("transport=polling"))
                .isNotEmpty()
                .allMatch(attempt -> attempt.outcome() == Outcome.NOT_WEBSOCKET || attempt.outcome() == Outcome.PENDING);
        await().atMost(WAIT).untilAsserted(() -> assertThat(proxy.recording().connections())
                .filteredOn(attempt -> attempt.target().contains("transport=websocket"))
                .extracting(ConnectionRecord::status)
                .containsOnly(502));
    }

    private void connect(Duration timeout, String... transports) {
        IO.Options options = IO.Options.builder()
                .setTransports(transports)
                .setForceNew(true)
                .setTimeout(timeout.toMillis())
                .setReconnectionDelay(100)
                .setReconnectionDelayMax(400)
                .build();
        socket = IO.socket(URI.create("http://127.0.0.1:" + proxy.port()), options);
        socket.on("echo", args -> echoes.add(args[0]));
        socket.on(Socket.EVENT_CONNECT, args -> socket.emit("echo", "hello"));
        socket.on(Socket.EVENT_CONNECT_ERROR, args -> connectErrors.add(String.valueOf(args[0])));
        socket.connect();
    }
}
