package io.github.wschaos.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.github.wschaos.ChaosProxy;
import io.github.wschaos.record.ConnectionRecord;
import io.github.wschaos.record.Outcome;
import io.github.wschaos.testing.NettyEchoServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Which attempts a target hits, checked attempt by attempt, and the checks on fault and target parameters. */
class TargetingTest {

    private static NettyEchoServer server;

    @BeforeAll
    static void startServer() {
        server = NettyEchoServer.start();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Test
    void nextNHitsExactlyTheNextNAttempts() throws Exception {
        try (ChaosProxy proxy = ChaosProxy.start(server.uri())) {
            proxy.inject(Faults.respondWithStatus(503), Target.next(2));
            assertThat(statuses(proxy, 4)).containsExactly(503, 503, 101, 101);
        }
    }

    @Test
    void attemptRangesHitThoseAttempts() throws Exception {
        try (ChaosProxy proxy = ChaosProxy.start(server.uri())) {
            proxy.inject(Faults.respondWithStatus(429), Target.attempts(2, 3));
            assertThat(statuses(proxy, 5)).containsExactly(101, 429, 429, 101, 101);
        }
    }

    @Test
    void nextNCountsOnlyConnectionsTheRestOfTheTargetLetsThrough() throws Exception {
        try (ChaosProxy proxy = ChaosProxy.start(server.uri())) {
            proxy.inject(Faults.respondWithStatus(404), Target.path("/echo/other").and(Target.next(1)));
            assertThat(status(proxy, "/echo")).isEqualTo(101);
            assertThat(status(proxy, "/echo/other")).isEqualTo(404);
            assertThat(status(proxy, "/echo/other")).isEqualTo(101);
        }
    }

    @Test
    void theSameSeedHitsTheSameAttempts() throws Exception {
        List<Integer> first = seeded(42);
        List<Integer> again = seeded(42);
        List<Integer> other = seeded(7);
        assertThat(first).isEqualTo(again).contains(503).contains(101);
        assertThat(other).isNotEqualTo(first);
    }

    @Test
    void aProbabilityOfOneHitsEveryAttemptAndZeroNone() throws Exception {
        try (ChaosProxy proxy = ChaosProxy.start(server.uri())) {
            FaultHandle always = proxy.inject(Faults.respondWithStatus(503), Target.probability(1.0));
            assertThat(statuses(proxy, 3)).containsOnly(503);
            always.close();
            proxy.inject(Faults.respondWithStatus(503), Target.probability(0.0));
            assertThat(statuses(proxy, 3)).containsOnly(101);
        }
    }

    @Test
    void connectStageFaultsRejectPathTargets() {
        try (ChaosProxy proxy = ChaosProxy.start(server.uri())) {
            assertThatThrownBy(() -> proxy.inject(Faults.forceTlsMismatch(TlsMismatch.TLS_LISTENER), Target.path("/echo")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("path /echo")
                    .hasMessageContaining("tls-mismatch");
        }
    }

    @Test
    void refuseAndBlackholeTargetedAtAPathActOnTheRequestHead() throws Exception {
        try (ChaosProxy proxy = ChaosProxy.start(server.uri())) {
            proxy.inject(Faults.refuseConnections(), Target.path("/echo/blocked"));
            assertThat(status(proxy, "/echo")).isEqualTo(101);
            assertThatThrownBy(() -> status(proxy, "/echo/blocked")).isInstanceOf(IOException.class);
            await().atMost(Duration.ofSeconds(5)).until(() -> proxy.recording().attempt(2).outcome() == Outcome.REFUSED);
            assertThat(proxy.recording().attempt(2).faults()).containsExactly("refuse");
        }
    }

    @Test
    void badParametersNameTheValueAndTheRange() {
        assertThatThrownBy(() -> Faults.dropIdleConnections(Duration.ofSeconds(-1)))
                .hasMessage("idle timeout -1s must be positive, e.g. 2s");
        assertThatThrownBy(() -> Faults.dropIdleConnections(Duration.ZERO)).hasMessage("idle timeout 0s must be positive, e.g. 2s");
        assertThatThrownBy(() -> Faults.dropIdleConnections(null))
                .hasMessage("idle timeout is null; accepted is a positive duration, e.g. 2s");
        // Longer than a long of nanoseconds: refused, where it used to close every connection at once.
        assertThatThrownBy(() -> Faults.dropIdleConnections(Duration.ofDays(999_999_999)))
                .hasMessage("idle timeout 999999999d is too long; accepted are up to 106751d (about 292 years)");
        assertThatThrownBy(() -> Faults.respondWithStatus(600)).hasMessage("HTTP status 600 is outside 200-599");
        assertThatThrownBy(() -> Faults.respondWithStatus(101)).hasMessageContaining("101");
        assertThatThrownBy(() -> Faults.respondWithStatus(100)).hasMessageContaining("interim answer");
        assertThatThrownBy(() -> Faults.respondWithStatus(204, Map.of(), "body")).hasMessageContaining("204 has no body");
        assertThatThrownBy(() -> Faults.respondWithStatus(503, Map.of("Bad Header", "x"), ""))
                .hasMessageContaining("header name 'Bad Header' is not an HTTP token");
        assertThatThrownBy(() -> Faults.respondWithStatus(503, Map.of("Retry-After", "5\r\nSet-Cookie: a=b"), ""))
                .hasMessage("header Retry-After: value '5\\r\\nSet-Cookie: a=b' is not allowed; a value is one line,"
                        + " without CR, LF or NUL");
        assertThatThrownBy(() -> Faults.respondWithStatus(503, Map.of("content-length", "5"), ""))
                .hasMessageContaining("set from the body");
        assertThatThrownBy(() -> Faults.rejectOrigins(101, "https://app.example"))
                .hasMessageContaining("rejection status 101 is not an error status; accepted are 400-599");
        assertThatThrownBy(() -> Faults.rejectOrigins("*")).hasMessageContaining("'*' would let every origin through");
        assertThatThrownBy(() -> Faults.rejectOrigins("app.example"))
                .hasMessageContaining("allowed origin 'app.example' is not an origin; accepted are scheme://host[:port]");
        assertThatThrownBy(() -> Faults.rejectOrigins("https://app.example/login")).hasMessageContaining("is not an origin");
        assertThat(Faults.rejectOrigins("null", "http://[::1]:3000", "https://app.example/").allowed()).hasSize(3);
        assertThatThrownBy(() -> Profiles.awsAlb(Duration.ofSeconds(5000)))
                .hasMessage("ALB idle timeout 5000s is outside 1-4000 seconds");
        assertThatThrownBy(Faults::rejectOrigins).hasMessageContaining("at least one origin");
        assertThatThrownBy(() -> Target.probability(1.5)).hasMessageContaining("1.5").hasMessageContaining("0..1");
        assertThatThrownBy(() -> Target.next(0)).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> Target.attempts(3, 2)).hasMessageContaining("3..2");
        assertThatThrownBy(() -> Target.path("chat")).hasMessageContaining("'chat'");
        assertThatThrownBy(() -> Faults.closeWithCode(1006, "")).hasMessageContaining("1006").hasMessageContaining("reserved");
        assertThatThrownBy(() -> Faults.delayHandshake(Duration.ofMillis(-5))).hasMessageContaining("handshake delay -5ms must be positive");
        assertThatThrownBy(() -> ChaosProxy.builder().timeScale(0)).hasMessageContaining("time scale 0.0");
    }

    @Test
    void timeScaleShrinksFaultDurations() throws Exception {
        try (ChaosProxy proxy = ChaosProxy.builder().upstream(server.uri()).timeScale(0.01).start()) {
            assertThat(proxy.scaled(Duration.ofSeconds(55))).isEqualTo(Duration.ofMillis(550));
            assertThat(proxy.inject(Profiles.herokuRouter())).as("a handle per fault of the profile")
                    .hasSize(Profiles.herokuRouter().size());
            try (Socket socket = upgrade(proxy, "/echo")) {
                assertThat(statusOf(socket)).isEqualTo(101);
                skipHeaders(socket);
                long start = System.nanoTime();
                assertThat(socket.getInputStream().read()).isEqualTo(-1);   // FIN, no close frame
                // 550 ms after the 101 as the proxy relayed it; the client reads it up to 200 ms later on a loaded machine.
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(350), Duration.ofMillis(1500));
            }
        }
    }

    private static List<Integer> seeded(long seed) throws Exception {
        try (ChaosProxy proxy = ChaosProxy.builder().upstream(server.uri()).seed(seed).start()) {
            proxy.inject(Faults.respondWithStatus(503), Target.probability(0.5));
            return statuses(proxy, 16);
        }
    }

    private static List<Integer> statuses(ChaosProxy proxy, int count) throws Exception {
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            statuses.add(status(proxy, "/echo"));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> proxy.recording().connections().stream().allMatch(r ->
                r.outcome() != Outcome.PENDING));
        List<Integer> recorded = proxy.recording().connections().stream().map(ConnectionRecord::status).toList();
        assertThat(recorded).endsWith(statuses.toArray(Integer[]::new));
        return statuses;
    }

    /** The status a raw WebSocket handshake on {@code path} gets. */
    private static int status(ChaosProxy proxy, String path) throws IOException {
        try (Socket socket = upgrade(proxy, path)) {
            return statusOf(socket);
        }
    }

    private static Socket upgrade(ChaosProxy proxy, String path) throws IOException {
        Socket socket = new Socket("127.0.0.1", proxy.port());
        socket.setSoTimeout(5000);
        OutputStream out = socket.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return socket;
    }

    private static void skipHeaders(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        int newlines = 0;
        int b;
        while (newlines < 2 && (b = in.read()) != -1) {
            newlines = b == '\n' ? newlines + 1 : b == '\r' ? newlines : 0;
        }
    }

    private static int statusOf(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            line.append((char) b);
        }
        return Integer.parseInt(line.toString().split(" ")[1]);
    }
}
