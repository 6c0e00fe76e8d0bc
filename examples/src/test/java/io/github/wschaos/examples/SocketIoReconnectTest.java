package io.github.wschaos.examples;

import static io.github.wschaos.assertj.WebSocketChaosAssertions.assertThat;
import static io.github.wschaos.assertj.WebSocketChaosAssertions.assertThatThrownBy;
import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.awaitility.Awaitility.await;

import com.corundumstudio.socketio.Configuration;
import com.corundumstudio.socketio.SocketIOServer;
import com.corundumstudio.socketio.Transport;
import io.github.wschaos.ChaosProxy;
import io.github.wschaos.assertj.Backoff;
import io.github.wschaos.assertj.Tolerance;
import io.github.wschaos.fault.Faults;
import io.github.wschaos.fault.Target;
import io.socket.client.IO;
import io.socket.client.Socket;
import io.socket.engineio.client.transports.WebSocket;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * socket.io-client (Java) against a netty-socketio server through the proxy, websocket transport only. The proxy
 * answers the first handshakes with {@code 503}; the client backs off with its own schedule
 * ({@code reconnectionDelay} doubling up to {@code reconnectionDelayMax}, spread by {@code randomizationFactor}),
 * then connects, and an event makes the round trip.
 *
 * <p>Schedule: 200 ms doubling to an 800 ms cap. Tolerance: 150 ms or 25 % of the expected delay, whichever is
 * larger. The default (50 ms or 20 %) is too tight for this client on a busy machine: each measured delay also holds
 * the client's own work between the failure and the next connect (engine.io's event thread, OkHttp), 15 to 30 ms
 * as a rule, but 63 ms and once 170 ms in repeated runs on a two-core machine with other builds running. The wrong
 * schedules below stay out of reach of that margin: they miss by 400 ms or more.
 *
 * <p>Found on the way: socket.io-client 2.1.2 reads {@code IO.Options.randomizationFactor == 0} as "not set" and
 * uses its default 0.5 ({@code Manager}'s constructor), so {@code setRandomizationFactor(0)} still jitters; the exact
 * schedule failed {@code followBackoff} with delays of 100, 115, 406 and 419 ms. Setting it on the {@code Manager}
 * after construction ({@code socket.io().randomizationFactor(0)}) does turn jitter off.
 */
class SocketIoReconnectTest {

    private static final Duration INITIAL = ofMillis(200);
    private static final Duration MAX = ofMillis(800);

    private static final Tolerance TOLERANCE = new Tolerance(ofMillis(150), 0.25);

    private SocketIOServer server;
    private ChaosProxy proxy;
    private Socket socket;
    private final List<Object> echoes = new CopyOnWriteArrayList<>();

    /**
     * A whole reject-backoff-connect cycle once per class, not measured. In a fresh JVM the client's first failure
     * and first connect load hundreds of classes (engine.io, OkHttp, Kotlin, JSON): on a busy machine that added
     * 0.6 s to the first delay and 70 ms to the second, which is the JVM warming up, not the client's schedule.
     */
    @BeforeAll
    static void warmUp() {
        SocketIoReconnectTest warmUp = new SocketIoReconnectTest();
        warmUp.start();
        try {
            warmUp.proxy.inject(Faults.respondWithStatus(503), Target.next(2));
            warmUp.connect(0.0);
            assertThat(warmUp.proxy).within(ofSeconds(20)).reconnects().resumedTraffic();
            await().atMost(ofSeconds(10)).until(() -> warmUp.echoes.contains("hello"));
        } finally {
            warmUp.stop();
        }
    }

    @BeforeEach
    void start() {
        Configuration config = new Configuration();
        config.setHostname("127.0.0.1");
        config.setPort(freePort());
        config.setTransports(Transport.WEBSOCKET);
        config.setBossThreads(1);
        config.setWorkerThreads(1);
        config.setUseLinuxNativeEpoll(false);
        server = new SocketIOServer(config);
        server.addEventListener("echo", String.class, (client, data, ack) -> client.sendEvent("echo", data));
        server.start();
        proxy = ChaosProxy.start(URI.create("ws://127.0.0.1:" + config.getPort() + "/socket.io/"));
    }

    @AfterEach
    void stop() {
        if (socket != null) {
            socket.close();
        }
        proxy.close();
        server.stop();
    }

    @Test
    void exactCappedExponentialBackoffThenResumedTraffic() {
        proxy.inject(Faults.respondWithStatus(503), Target.next(4));
        connect(0.0);

        // 200, 400, 800, 800 ms, then attempt 5 reaches the server
        assertThat(proxy).within(ofSeconds(10)).reconnects().resumedTraffic();
        await().atMost(ofSeconds(10)).until(() -> echoes.contains("hello"));
        assertThat(proxy).hasAttempts(5).attempt(4).wasRejectedWith(503);
        assertThat(proxy).attempt(5).isUpgraded();
        assertThat(proxy).reconnects().withTolerance(TOLERANCE)
                .followBackoff(Backoff.exponential(INITIAL, 2.0).cappedAt(MAX))
                .hasNoStormFasterThan(ofMillis(150));

        assertThatThrownBy(() -> assertThat(proxy).reconnects().withTolerance(TOLERANCE)
                .followBackoff(Backoff.exponential(INITIAL, 2.0)))
                .hasMessageContaining("to reconnect with exponential from 200ms x2.0, reset by every upgraded connection (tolerance ±max(150ms, 25%))")
                .hasMessageContaining("the delay before attempt #5 was 0.")
                .hasMessageContaining("outside 1.200s..2.000s")
                .hasMessageContaining("REJECTED 503");
        assertThatThrownBy(() -> assertThat(proxy).reconnects().withTolerance(TOLERANCE)
                .followBackoff(Backoff.constant(INITIAL)))
                .hasMessageContaining("the delay before attempt #3 was 0.")
                .hasMessageContaining("outside 0.050s..0.350s");
    }

    @Test
    void defaultJitterWithinItsSpread() {
        proxy.inject(Faults.respondWithStatus(503), Target.next(6));
        connect(0.5); // socket.io's default randomizationFactor

        assertThat(proxy).within(ofSeconds(10)).reconnects().resumedTraffic();
        assertThat(proxy).hasAttempts(7);
        // each delay is d +- 50 % of d, then clamped to [200 ms, 800 ms]: 200..300, 200..600, 400..800, 400..800, ...
        // The cap is a hard one (at most 800 ms plus the tolerance): 300 ms of room, since a capped 800 ms was measured
        // as 1.083 s once on a machine loaded by twenty other JVMs.
        assertThat(proxy).reconnects().withTolerance(new Tolerance(ofMillis(300), 0.25))
                .followBackoff(Backoff.exponential(INITIAL, 2.0).cappedAt(MAX).withJitter(0.5));

        // from attempt #5 on every delay is 800 ms (1600 +- 50 % clamped): a constant 200 ms +- 50 % cannot hold
        assertThatThrownBy(() -> assertThat(proxy).reconnects().withTolerance(TOLERANCE)
                .followBackoff(Backoff.constant(INITIAL).withJitter(0.5)))
                .hasMessageContaining("to reconnect with constant 200ms with 50% jitter, reset by every upgraded connection (tolerance ±max(150ms, 25%))")
                .hasMessageContaining("outside 0.000s..0.450s");
        assertThatThrownBy(() -> assertThat(proxy).reconnects().withTolerance(Tolerance.of(ofMillis(20)))
                .followBackoff(Backoff.constant(MAX)))
                .hasMessageContaining("the delay before attempt #2 was 0.")
                .hasMessageContaining("outside 0.780s..0.820s");
    }

    private void connect(double randomizationFactor) {
        IO.Options options = IO.Options.builder()
                .setTransports(new String[] {WebSocket.NAME})
                .setForceNew(true)
                .setReconnectionDelay(INITIAL.toMillis())
                .setReconnectionDelayMax(MAX.toMillis())
                .setRandomizationFactor(randomizationFactor)
                .setTimeout(5000)
                .build();
        socket = IO.socket(URI.create("http://127.0.0.1:" + proxy.port()), options);
        socket.io().randomizationFactor(randomizationFactor); // the option alone cannot be 0: see the class comment
        socket.on("echo", args -> echoes.add(args[0]));
        socket.on(Socket.EVENT_CONNECT, args -> socket.emit("echo", "hello"));
        socket.connect();
    }

    private static int freePort() {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
