package io.github.wschaos.assertj;

import static io.github.wschaos.assertj.WebSocketChaosAssertions.assertThat;
import static io.github.wschaos.assertj.WebSocketChaosAssertions.assertThatThrownBy;
import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.awaitility.Awaitility.await;

import com.corundumstudio.socketio.Configuration;
import com.corundumstudio.socketio.SocketIOServer;
import io.github.wschaos.ChaosProxy;
import io.github.wschaos.fault.Faults;
import io.github.wschaos.fault.Target;
import io.github.wschaos.record.ConnectionRecord;
import io.github.wschaos.testing.Resources;
import io.socket.client.IO;
import io.socket.client.Socket;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * socket.io-client with its default transports (long-polling, then an upgrade to WebSocket) against a real Socket.IO
 * server (netty-socketio): every attempt makes several connections, so the assertions must look past the latest
 * one and count only the connections that start an attempt.
 */
class SocketIoReconnectsTest {

    /** The connections that start a socket.io attempt: its polling handshake, or one refused before any request. */
    private static final Predicate<ConnectionRecord> STARTS_A_SESSION = record -> !record.target().contains("sid=");

    private SocketIOServer server;
    private ChaosProxy proxy;
    private Socket socket;
    private final List<Object> echoes = new CopyOnWriteArrayList<>();
    private final AtomicInteger connects = new AtomicInteger();

    @BeforeEach
    void start() {
        Configuration config = new Configuration();
        config.setHostname("127.0.0.1");
        config.setPort(freePort());
        config.setBossThreads(1);
        config.setWorkerThreads(1);
        config.setUseLinuxNativeEpoll(false);
        server = new SocketIOServer(config);
        server.addEventListener("echo", String.class, (client, data, ack) -> client.sendEvent("echo", data));
        server.start();
        proxy = ChaosProxy.start(URI.create("ws://127.0.0.1:" + config.getPort() + "/socket.io/"));
    }

    @AfterEach
    void stop() throws Exception {
        if (socket != null) {
            socket.close();
        }
        Resources.closeAll(proxy, server == null ? null : server::stop); // the server stops even if the proxy never started
    }

    private void connect(IO.Options options) {
        socket = IO.socket(URI.create("http://127.0.0.1:" + proxy.port()), options);
        socket.on("echo", args -> echoes.add(args[0]));
        socket.on(Socket.EVENT_CONNECT, args -> socket.emit("echo", "hello" + connects.incrementAndGet()));
        socket.connect();
    }

    @Test
    void resumedTrafficLooksPastThePollingRequestsAfterTheUpgrade() {
        connect(IO.Options.builder().setForceNew(true).setReconnectionDelay(200).setReconnectionDelayMax(800).build());
        await().atMost(ofSeconds(20)).until(() -> echoes.contains("hello1"));
        await().atMost(ofSeconds(20)).until(() -> proxy.recording().connections().stream()
                .anyMatch(record -> record.isUpgraded() && record.close().isEmpty() && record.clientToUpstream().messages() > 0));
        // Connected and talking, but nothing broke off yet: nothing was resumed.
        assertThatThrownBy(() -> assertThat(proxy).reconnects().resumedTraffic())
                .hasMessageContaining("but no connection broke off");
        assertThat(proxy).reconnects().only(ConnectionRecord::isWebSocketRequest).hasNoStormFasterThan(ofMillis(100));

        proxy.inject(Faults.resetConnection(), Target.upgrades()).close(); // resets the open WebSocket, once
        await().atMost(ofSeconds(20)).until(() -> echoes.contains("hello2"));
        assertThat(proxy).within(ofSeconds(10)).reconnects().resumedTraffic();
        assertThat(proxy).within(ofSeconds(10)).reconnects().only(ConnectionRecord::isWebSocketRequest).resumedTraffic()
                .hasNoStormFasterThan(ofMillis(100));
    }

    @Test
    void countingThePollingHandshakesGivesTheAttemptsOfARejectedClient() {
        proxy.inject(Faults.respondWithStatus(503));
        // socket.io's defaults but shorter: 200 ms doubling to at most 800 ms, 50 % randomization, 3 reconnections.
        connect(IO.Options.builder().setForceNew(true).setReconnectionDelay(200).setReconnectionDelayMax(800)
                .setRandomizationFactor(0.5).setReconnectionAttempts(3).setTimeout(5000).build());

        ReconnectAssert attempts = assertThat(proxy).within(ofSeconds(20)).reconnects().only(STARTS_A_SESSION);
        attempts.gaveUpAfter(4, ofMillis(1500));
        assertThat(proxy).attempt(1).wasRejectedWith(503);
        // socket.io's Backoff returns min(jittered, max): it keeps the cap.
        attempts.withTolerance(new Tolerance(ofMillis(600), 0.2))
                .followBackoff(Backoff.exponential(ofMillis(200), 2.0).cappedAt(ofMillis(800)).withJitter(0.5));
        assertThatThrownBy(() -> assertThat(proxy).reconnects().only(ConnectionRecord::isWebSocketRequest)
                .hasAtLeastAttempts(1))
                .hasMessageContaining("0 attempts (counted by only(...): 0 of ");
    }

    /** A free port for netty-socketio, which takes no port 0, in the range this project's tests may use, 28000 to 28499. */
    private static int freePort() {
        for (int port = 28000 + (int) (Math.random() * 400); port < 28500; port++) {
            try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return probe.getLocalPort();
            } catch (IOException inUse) {
                // try the next
            }
        }
        throw new IllegalStateException("no free port in 28000..28499");
    }
}
