package io.github.wschaos.examples.failures;

import static io.github.wschaos.assertj.WebSocketChaosAssertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.wschaos.ChaosProxy;
import io.github.wschaos.examples.support.SocketIoApp;
import io.github.wschaos.fault.FaultHandle;
import io.github.wschaos.fault.Faults;
import io.github.wschaos.fault.Target;
import io.github.wschaos.record.ConnectionRecord;
import io.github.wschaos.record.Outcome;
import io.socket.client.IO;
import io.socket.client.Socket;
import io.socket.client.SocketOptionBuilder;
import io.socket.engineio.client.transports.WebSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Example 5: a corporate firewall that lets plain HTTP through but drops or resets WebSocket upgrades, and
 * Socket.IO's long-polling fallback.
 *
 * <p><b>Symptom.</b> Users on one corporate network never get real-time updates, while the same app works at home
 * and the rest of the site loads fine behind that network. A Socket.IO client configured with
 * {@code transports: ["websocket"]} (a common "optimisation") reports {@code connect_error}: "timeout" when the
 * firewall silently drops the upgrade, "websocket error" when it resets the connection; it retries forever and
 * never connects.
 *
 * <p><b>Cause.</b> A deep-packet-inspecting firewall or a filtering proxy (Zscaler, Blue Coat, a next-generation
 * firewall's application control) reads the HTTP request head and blocks requests carrying
 * {@code Upgrade: websocket}: it drops them and never answers, or sends a TCP reset. Plain HTTP requests, Socket.IO's
 * long-polling {@code GET}s and {@code POST}s on {@code /socket.io/?transport=polling} among them, pass. Here that is
 * {@code Faults.blackhole()} or {@code Faults.refuseConnections()} with {@code Target.upgrades()}.
 *
 * <p><b>Fix.</b> Keep Socket.IO's default transports, {@code ["polling", "websocket"]}: the client connects over
 * HTTP long-polling first and upgrades only if a WebSocket gets through, so behind such a firewall it keeps working
 * over polling (with more latency and more requests). Against a firewall that blocks the host altogether nothing helps
 * but a connect timeout that fires and retries, until the network lets the client through.
 *
 * <p>The proxy relays Socket.IO's long-polling as plain HTTP to the real netty-socketio server, so the recording
 * shows both transports: polling requests as {@code NOT_WEBSOCKET 200} untouched by the fault, upgrade attempts hit
 * by it and never answered (or reset).
 */
class Ex05FirewallSocketIoFallbackTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    /** Short, so that a swallowed attempt times out quickly. */
    private static final Duration SHORT_TIMEOUT = Duration.ofMillis(500);
    /**
     * Socket.IO's default connect timeout (20 s): room for the first handshake in a cold JVM, where OkHttp, engine.io
     * and JSON classes load (measured over 5 s on a loaded 2-core machine).
     */
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

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
    void aWebSocketOnlyClientNeverConnectsBehindAFirewallThatDropsUpgrades() {
        proxy.inject(Faults.blackhole(), Target.upgrades());

        connect(SHORT_TIMEOUT, WebSocket.NAME);

        await().atMost(WAIT).until(() -> connectErrors.size() >= 2);
        assertThat(connectErrors).allMatch(error -> error.contains("timeout"));
        assertThat(socket.connected()).isFalse();
        assertThat(echoes).isEmpty();
        assertThat(proxy).within(WAIT).hasAtLeastAttempts(2).attempt(1).wasHitBy("blackhole");
        assertThat(proxy).attempt(2).wasHitBy("blackhole");
        assertThat(proxy).hasUpgradedConnections(0);
        assertThat(proxy.recording().connections())
                .allMatch(attempt -> attempt.target().contains("transport=websocket"))
                .allMatch(attempt -> attempt.responseAt().isEmpty(), "never answered");
    }

    @Test
    void aWebSocketOnlyClientNeverConnectsBehindAFirewallThatResetsUpgrades() {
        proxy.inject(Faults.refuseConnections(), Target.upgrades());

        connect(TIMEOUT, WebSocket.NAME);

        await().atMost(WAIT).until(() -> connectErrors.size() >= 2);
        assertThat(connectErrors).allMatch(error -> error.contains("websocket error"));
        assertThat(socket.connected()).isFalse();
        assertThat(proxy).within(WAIT).hasAtLeastAttempts(2).attempt(1).hasOutcome(Outcome.REFUSED).wasHitBy("refuse");
        assertThat(proxy).hasUpgradedConnections(0);
    }

    @Test
    void fixedByLettingSocketIoStartWithLongPolling() {
        FaultHandle firewall = proxy.inject(Faults.blackhole(), Target.upgrades());

        connect(TIMEOUT); // Socket.IO's defaults: polling first, then an attempt to upgrade
        await().atMost(WAIT).until(() -> echoes.contains("hello"));
        // The client tries to upgrade once it is connected; the firewall swallows that attempt.
        await().atMost(WAIT).until(() -> firewall.hits() >= 1);
        socket.emit("echo", "still here");
        await().atMost(WAIT).until(() -> echoes.contains("still here"));

        assertThat(connectErrors).isEmpty();
        assertThat(socket.connected()).isTrue();
        assertThat(proxy).hasUpgradedConnections(0);
        List<ConnectionRecord> attempts = proxy.recording().connections();
        assertThat(attempts).filteredOn(attempt -> attempt.target().contains("transport=polling"))
                .hasSizeGreaterThanOrEqualTo(2)
                .allMatch(attempt -> attempt.faults().isEmpty(), "untouched by the firewall")
                .allMatch(attempt -> attempt.outcome() == Outcome.NOT_WEBSOCKET || attempt.outcome() == Outcome.PENDING)
                .anyMatch(attempt -> attempt.status() == 200);
        assertThat(attempts).filteredOn(attempt -> attempt.target().contains("transport=websocket"))
                .isNotEmpty()
                .allMatch(attempt -> attempt.faults().equals(List.of("blackhole")))
                .allMatch(attempt -> attempt.responseAt().isEmpty(), "never answered");
    }

    @Test
    void aFirewallThatBlocksEverythingLeavesOnlyTimeoutAndRetryUntilItOpens() {
        FaultHandle firewall = proxy.inject(Faults.blackhole());
        connect(SHORT_TIMEOUT, WebSocket.NAME);

        await().atMost(WAIT).until(() -> connectErrors.size() >= 2);
        assertThat(connectErrors).allMatch(error -> error.contains("timeout"));
        assertThat(proxy).within(WAIT).hasAtLeastAttempts(2).attempt(1).wasHitBy("blackhole");
        assertThat(echoes).isEmpty();

        firewall.close(); // the network lets the traffic through again
        assertThat(proxy).within(WAIT).reconnects().resumedTraffic();
        await().atMost(WAIT).until(() -> echoes.contains("hello"));
    }

    /** Connects with {@code transports}, or with Socket.IO's default transports when none are given. */
    private void connect(Duration timeout, String... transports) {
        SocketOptionBuilder options = IO.Options.builder()
                .setForceNew(true)
                .setTimeout(timeout.toMillis())
                .setReconnectionDelay(100)
                .setReconnectionDelayMax(400);
        if (transports.length > 0) {
            options.setTransports(transports);
        }
        socket = IO.socket(URI.create("http://127.0.0.1:" + proxy.port()), options.build());
        socket.on("echo", args -> echoes.add(args[0]));
        socket.on(Socket.EVENT_CONNECT, args -> socket.emit("echo", "hello"));
        socket.on(Socket.EVENT_CONNECT_ERROR, args -> connectErrors.add(String.valueOf(args[0])));
        socket.connect();
    }
}
