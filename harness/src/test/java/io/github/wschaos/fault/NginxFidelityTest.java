package io.github.wschaos.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.wschaos.ChaosProxy;
import io.github.wschaos.record.ConnectionRecord;
import io.github.wschaos.record.Outcome;
import io.github.wschaos.testing.EchoServer;
import io.github.wschaos.testing.JdkWebSocketClient;
import io.github.wschaos.testing.JettyEchoServer;
import io.github.wschaos.testing.NettyEchoServer;
import io.github.wschaos.testing.NginxServer;
import io.github.wschaos.testing.NodeWsServer;
import io.github.wschaos.testing.RawHttp;
import io.github.wschaos.testing.RawUpstream;
import io.github.wschaos.testing.RawWebSocket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The faults that imitate nginx, side by side with a real nginx (Debian's 1.22) in front of the same upstream:
 * the client must see the same thing through both. The real nginx is the reference; the proxy's
 * {@code Server} and {@code Date} headers and nginx's version footer are the only allowed differences.
 */
class NginxFidelityTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(1);
    private static final int IDLE_ROUNDS = 3;
    /** How long a client waits to see that nothing more comes. */
    private static final Duration QUIET = Duration.ofMillis(300);
    /** nginx's proxy buffer on a 4 KiB page machine. */
    private static final int BUFFER = 4096;
    /** How long the client alone sends: more than twice the timeout. */
    private static final Duration CLIENT_TRAFFIC = READ_TIMEOUT.multipliedBy(5).dividedBy(2);

    static Stream<Arguments> upstreams() {
        return Stream.of(
                Arguments.of("Node ws", (Supplier<EchoServer>) NodeWsServer::start, "HTTP/1.1 426 Upgrade Required"),
                Arguments.of("Jetty", (Supplier<EchoServer>) JettyEchoServer::start, "HTTP/1.1 404 Not Found"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("upstreams")
    void strippedUpgradeGetsTheUpstreamsAnswerAsThroughNginxWithoutUpgradeConfiguration(
            String name, Supplier<EchoServer> upstreams, String expectedStatusLine) throws Exception {
        try (EchoServer upstream = upstreams.get();
                NginxServer nginx = NginxServer.builder(upstream.uri()).withoutUpgrade().start();
                ChaosProxy proxy = ChaosProxy.start(upstream.uri())) {
            proxy.inject(Faults.stripUpgradeHeaders());
            String path = upstream.uri().getPath();

            RawHttp.Response reference = rawUpgrade(nginx.address(), path);
            RawHttp.Response ours = rawUpgrade(proxy.address(), path);
            // The reference is what GROUND-TRUTH.md measured; if nginx or the upstream changed, say so first.
            assertThat(reference.statusLine()).as("nginx's answer").isEqualTo(expectedStatusLine);
            assertThat(ours.statusLine()).isEqualTo(reference.statusLine());
            assertThat(ours.body()).isEqualTo(reference.body());

            HttpResponse<?> jdkReference = jdkRejection(nginx.uri(path));
            HttpResponse<?> jdkOurs = jdkRejection(proxy.uri(path));
            assertThat(jdkOurs.statusCode()).isEqualTo(jdkReference.statusCode()).isEqualTo(reference.status());
            assertThat(jdkOurs.body()).as("body the JDK client reports").isNotNull().isEqualTo(jdkReference.body());
        }
    }

    @Test
    void anUpstreamsHttp10AnswerReachesTheClientAsHttp11AsThroughNginx() throws Exception {
        // Go's net/http (so gorilla/websocket's Upgrader) and aiohttp answer in the request's version: HTTP/1.0 to the
        // stripped request. Python's websockets refuses to read an HTTP/1.0 status line ("unsupported HTTP version"),
        // where behind nginx, which writes every status line as HTTP/1.1, it reports the 400.
        try (RawUpstream upstream = RawUpstream.start(connection -> {
                    if (connection.readHead() != null) {
                        connection.write(RawUpstream.ascii("HTTP/1.0 400 Bad Request\r\nContent-Type: text/plain; "
                                + "charset=utf-8\r\nContent-Length: 12\r\n\r\nBad Request\n"));
                    }
                });
                NginxServer stripping = NginxServer.builder(upstream.uri()).withoutUpgrade().start();
                NginxServer upgrading = NginxServer.builder(upstream.uri()).start();
                ChaosProxy proxy = ChaosProxy.start(upstream.uri())) {
            String path = upstream.uri().getPath();
            RawHttp.Response plainReference = plainGet(upgrading.address(), path);
            RawHttp.Response plainOurs = plainGet(proxy.address(), path);
            assertThat(plainReference.statusLine()).as("nginx, a plain GET").isEqualTo("HTTP/1.1 400 Bad Request");
            assertThat(plainOurs.statusLine()).as("the proxy, a plain GET, no fault").isEqualTo(plainReference.statusLine());
            assertThat(plainOurs.body()).isEqualTo(plainReference.body());

            proxy.inject(Faults.stripUpgradeHeaders());
            RawHttp.Response reference = rawUpgrade(stripping.address(), path);
            RawHttp.Response ours = rawUpgrade(proxy.address(), path);
            assertThat(reference.statusLine()).as("nginx without upgrade configuration").isEqualTo("HTTP/1.1 400 Bad Request");
            assertThat(ours.statusLine()).as("the proxy, upgrade headers stripped").isEqualTo(reference.statusLine());
            assertThat(ours.body()).isEqualTo(reference.body());
            assertThat(ours.headers()).as("the proxy closes after it, and says so").containsEntry("connection", "close");
        }
    }

    private static RawHttp.Response plainGet(InetSocketAddress address, String path) throws IOException {
        try (RawHttp raw = RawHttp.connect(address)) {
            return raw.send("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").readResponse();
        }
    }

    @Test
    void strippedUpgradeReachesTheUpstreamWithTheHeadersNginxWithoutUpgradeConfigurationSends() throws Exception {
        // Keep-Alive and TE are in nginx's default proxy_set_header list with empty values: never passed on.
        String request = "GET /ws HTTP/1.1\r\nHost: app.example\r\nUpgrade: websocket\r\nConnection: Upgrade, Keep-Alive\r\n"
                + "Keep-Alive: timeout=5\r\nTE: trailers\r\nX-Trace: 7\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
        try (RawUpstream upstream = RawUpstream.start(connection -> {
                    if (connection.readHead() != null) {
                        connection.write(RawUpstream.ascii("HTTP/1.1 426 Upgrade Required\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"));
                    }
                });
                NginxServer nginx = NginxServer.builder(upstream.uri()).withoutUpgrade().start();
                ChaosProxy proxy = ChaosProxy.start(upstream.uri())) {
            proxy.inject(Faults.stripUpgradeHeaders());
            for (InetSocketAddress front : List.of(nginx.address(), proxy.address())) {
                try (RawHttp raw = RawHttp.connect(front)) {
                    assertThat(raw.send(request).readResponse().status()).isEqualTo(426);
                }
            }
            await().atMost(TIMEOUT).until(() -> upstream.heads().size() == 2);
            String port = String.valueOf(upstream.address().getPort());
            String throughNginx = upstream.heads().get(0);
            assertThat(throughNginx).as("what nginx sent").startsWith("GET /ws HTTP/1.0\r\nHost: 127.0.0.1:" + port + "\r\n")
                    .doesNotContain("Keep-Alive:", "TE:", "Upgrade:");
            assertThat(headerLines(upstream.heads().get(1))).as("in nginx's order: Host, Connection, then the client's")
                    .containsExactlyElementsOf(headerLines(throughNginx));
        }
    }

    @Test
    void strippedRequestsAnswerIsHeldInFourKibPiecesAsNginxBuffersIt() throws Exception {
        // A streamed answer without a length (server-sent events, SockJS's xhr_streaming) to the HTTP/1.0 request
        // nginx sends without the upgrade configuration: its proxy_buffering holds it in 4 KiB buffers.
        Semaphore send = new Semaphore(0);
        String head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n";
        // The first buffer holds the upstream's head too.
        int firstPiece = BUFFER - head.length();
        try (RawUpstream upstream = RawUpstream.start(connection -> {
                    if (connection.readHead() == null) {
                        return;
                    }
                    connection.write(RawUpstream.ascii(head), "a".repeat(3000).getBytes(StandardCharsets.US_ASCII));
                    for (int part = 0; part < 2; part++) {
                        acquire(send);
                        connection.write("b".repeat(1000).getBytes(StandardCharsets.US_ASCII));
                    }
                    acquire(send); // then the answer ends with the connection
                });
                NginxServer nginx = NginxServer.builder(upstream.uri()).withoutUpgrade().start();
                ChaosProxy proxy = ChaosProxy.start(upstream.uri())) {
            proxy.inject(Faults.stripUpgradeHeaders());
            for (InetSocketAddress front : List.of(nginx.address(), proxy.address())) {
                try (Socket client = new Socket()) {
                    client.connect(front, (int) TIMEOUT.toMillis());
                    client.getOutputStream().write(("GET /events HTTP/1.1\r\nHost: app\r\nAccept: text/event-stream\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    StreamedAnswer answer = new StreamedAnswer(client);
                    assertThat(answer.bodyWithin(QUIET)).as("%s with 3,000 bytes sent: not even the status line", front)
                            .isNull();
                    send.release(); // 4,000: still under a buffer
                    assertThat(answer.bodyWithin(QUIET)).as("%s with 4,000 bytes sent", front).isNull();
                    if (front.equals(proxy.address())) {
                        assertThat(proxy.recording().connections().get(0))
                                .as("the record of an answer the client has not seen yet")
                                .returns(0, ConnectionRecord::status).returns(Optional.empty(), ConnectionRecord::responseAt)
                                .returns(Outcome.PENDING, ConnectionRecord::outcome);
                    }
                    send.release(); // 5,000: the first buffer full
                    await().atMost(TIMEOUT).until(() -> answer.bodyWithin(Duration.ZERO) != null
                            && answer.bodyWithin(Duration.ZERO).length() >= firstPiece);
                    if (front.equals(proxy.address())) {
                        assertThat(proxy.recording().connections().get(0)).as("once the head reached the client")
                                .returns(200, ConnectionRecord::status).returns(Outcome.NOT_WEBSOCKET, ConnectionRecord::outcome);
                    }
                    assertThat(answer.bodyWithin(QUIET)).as("%s with 5,000 bytes sent", front)
                            .isEqualTo("a".repeat(3000) + "b".repeat(firstPiece - 3000));
                    send.release(); // the upstream closes: the rest comes
                    await().atMost(TIMEOUT).untilAsserted(() -> assertThat(answer.bodyWithin(Duration.ZERO))
                            .as("%s at the end", front).isEqualTo("a".repeat(3000) + "b".repeat(2000)));
                }
            }
        }
    }

    private static void acquire(Semaphore permits) throws java.io.IOException {
        try {
            if (!permits.tryAcquire(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new java.io.IOException("the test did not go on");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.IOException(e);
        }
    }

    /**
     * What a client has received of a streamed answer: the body so far (chunks joined, as nginx sends it chunked and
     * the proxy as the upstream did), or null before the head has come.
     */
    private static final class StreamedAnswer {
        private final Socket socket;
        private final java.io.ByteArrayOutputStream received = new java.io.ByteArrayOutputStream();

        StreamedAnswer(Socket socket) {
            this.socket = socket;
        }

        /** Reads what comes within {@code quiet} (or what is already there, for zero), then the body so far. */
        String bodyWithin(Duration quiet) throws java.io.IOException {
            socket.setSoTimeout((int) Math.max(1, quiet.toMillis()));
            byte[] buffer = new byte[8192];
            try {
                while (true) {
                    int read = socket.getInputStream().read(buffer);
                    if (read < 0) {
                        break;
                    }
                    received.write(buffer, 0, read);
                }
            } catch (java.net.SocketTimeoutException e) {
                // nothing more within the window
            }
            String text = received.toString(StandardCharsets.ISO_8859_1);
            int end = text.indexOf("\r\n\r\n");
            if (end < 0) {
                return text.isEmpty() ? null : "(part of a head) " + text;
            }
            String body = text.substring(end + 4);
            return text.substring(0, end).toLowerCase(java.util.Locale.ROOT).contains("transfer-encoding: chunked")
                    ? dechunked(body) : body;
        }

        /** The data of the whole chunks in {@code body}. */
        private static String dechunked(String body) {
            StringBuilder data = new StringBuilder();
            int at = 0;
            while (true) {
                int lineEnd = body.indexOf("\r\n", at);
                if (lineEnd < 0) {
                    return data.toString();
                }
                int size = Integer.parseInt(body.substring(at, lineEnd).trim(), 16);
                if (size == 0 || lineEnd + 2 + size > body.length()) {
                    return data.toString();
                }
                data.append(body, lineEnd + 2, lineEnd + 2 + size);
                at = lineEnd + 2 + size + 2;
            }
        }
    }

    /** A request head's lines, the request line first; nginx and the proxy may order headers differently. */
    private static List<String> headerLines(String head) {
        return List.of(head.split("\r\n"));
    }

    @Test
    void idleDropClosesTheSocketAsLateAfterTheLastUpstreamDataAsNginxsProxyReadTimeout() throws Exception {
        try (NodeWsServer upstream = NodeWsServer.start();
                NginxServer nginx = NginxServer.builder(upstream.uri()).proxyReadTimeout(READ_TIMEOUT).start();
                ChaosProxy proxy = ChaosProxy.start(upstream.uri())) {
            proxy.inject(Faults.dropIdleConnections(READ_TIMEOUT, IdleTimer.ANY_DATA));
            String path = upstream.uri().getPath();
            List<Duration> reference = new ArrayList<>();
            List<Duration> ours = new ArrayList<>();
            // Interleaved rounds, so that a burst of load on this shared machine hits both sides alike.
            for (int round = 0; round < IDLE_ROUNDS; round++) {
                reference.add(idleUntilEof(nginx.address(), path));
                ours.add(idleUntilEof(proxy.address(), path));
            }
            Duration nginxMedian = median(reference);
            Duration oursMedian = median(ours);
            System.out.printf("idle drop after the last upstream frame, %d rounds: nginx %s (median %d ms), "
                    + "wschaos %s (median %d ms)%n", IDLE_ROUNDS, millis(reference), nginxMedian.toMillis(),
                    millis(ours), oursMedian.toMillis());
            // Tolerance: our median within 10% of nginx's (100 ms at 1 s). Measured here: nginx 993-998 ms, wschaos
            // 999-1000 ms; nginx's own median must be at least 90% of the timeout, or the reference itself is off.
            assertThat(nginxMedian).as("nginx's median").isGreaterThanOrEqualTo(READ_TIMEOUT.multipliedBy(9).dividedBy(10));
            assertThat(oursMedian).as("wschaos's median against nginx's %s", nginxMedian)
                    .isBetween(nginxMedian.multipliedBy(9).dividedBy(10), nginxMedian.multipliedBy(11).dividedBy(10));
        }
    }

    @Test
    void clientTrafficAloneKeepsTheConnectionAsLongAsBehindNginxWithTheNginxProfile() throws Exception {
        // The upstream answers pongs with nothing: only the client sends. nginx re-arms proxy_read_timeout whenever it
        // handles the upgraded connection, whichever side the bytes came from.
        double scale = (double) READ_TIMEOUT.toNanos() / Duration.ofSeconds(60).toNanos();
        try (NodeWsServer upstream = NodeWsServer.start();
                NginxServer nginx = NginxServer.builder(upstream.uri()).proxyReadTimeout(READ_TIMEOUT).start();
                ChaosProxy proxy = ChaosProxy.builder().upstream(upstream.uri()).timeScale(scale).start()) {
            Profiles.nginxDefaults().forEach(proxy::inject);
            String path = upstream.uri().getPath();

            Duration reference = idleAfterClientTraffic(nginx.address(), path);
            Duration ours = idleAfterClientTraffic(proxy.address(), path);

            System.out.printf("after %s of client pongs: nginx closed %d ms after the last, wschaos %d ms%n",
                    CLIENT_TRAFFIC, reference.toMillis(), ours.toMillis());
            // nginx re-arms a timer only when the new deadline is 300 ms or more from the old (NGX_TIMER_LAZY_DELAY), so
            // it closes up to 300 ms before its timeout after the last client frame (measured here: 755-873 ms at 1 s,
            // 1121 ms once with three busy loops on the two cores); the proxy closes at the timeout (1001-1039 ms).
            // Either at 0 had dropped the connection while the client was sending. Tolerance: not earlier than the
            // timeout less 300 ms and 10% for nginx, 10% for ours; late by up to half the timeout on a loaded machine.
            assertThat(reference).as("nginx, from the last client frame").isBetween(
                    READ_TIMEOUT.minusMillis(300).multipliedBy(9).dividedBy(10), READ_TIMEOUT.multipliedBy(3).dividedBy(2));
            assertThat(ours).as("wschaos, from the last client frame (nginx: %s)", reference).isBetween(
                    READ_TIMEOUT.multipliedBy(9).dividedBy(10), READ_TIMEOUT.multipliedBy(3).dividedBy(2));
        }
    }

    @Test
    void plainRequestToATlsListenerGetsNginxsPlainHttpToHttpsPortPage() throws Exception {
        try (NettyEchoServer upstream = NettyEchoServer.start();
                NginxServer nginx = NginxServer.builder(upstream.uri()).ssl().start();
                ChaosProxy tlsProxy = ChaosProxy.builder().upstream(upstream.uri()).tls().start();
                ChaosProxy plainProxy = ChaosProxy.start(upstream.uri())) {
            plainProxy.inject(Faults.forceTlsMismatch(TlsMismatch.TLS_LISTENER));
            String path = upstream.uri().getPath();

            RawHttp.Response reference = rawUpgrade(nginx.address(), path);
            assertThat(reference.statusLine()).as("nginx's answer").isEqualTo("HTTP/1.1 400 Bad Request");
            assertThat(reference.body()).contains("<center>The plain HTTP request was sent to HTTPS port</center>");
            int jdkReference = jdkRejection(URI.create("ws://127.0.0.1:" + nginx.address().getPort() + path)).statusCode();
            for (ChaosProxy proxy : List.of(tlsProxy, plainProxy)) {
                RawHttp.Response ours = rawUpgrade(proxy.address(), path);
                assertThat(ours.statusLine()).as("%s", proxy).isEqualTo(reference.statusLine());
                assertThat(withoutFooter(ours.body())).as("%s", proxy).isEqualTo(withoutFooter(reference.body()));
                URI plain = URI.create("ws://127.0.0.1:" + proxy.port() + path);
                assertThat(jdkRejection(plain).statusCode()).as("%s", proxy).isEqualTo(jdkReference);
            }
        }
    }

    private static RawHttp.Response rawUpgrade(InetSocketAddress address, String path) throws IOException {
        try (RawHttp raw = RawHttp.connect(address)) {
            return raw.send(RawHttp.upgradeRequest(address, path)).readResponse();
        }
    }

    private static HttpResponse<?> jdkRejection(URI uri) {
        Throwable failure = JdkWebSocketClient.handshakeFailure(uri, null, TIMEOUT, null);
        assertThat(failure).as("JDK client against %s", uri).isInstanceOf(WebSocketHandshakeException.class);
        return ((WebSocketHandshakeException) failure).getResponse();
    }

    /**
     * Sends a pong every quarter of the timeout for {@link #CLIENT_TRAFFIC}, then waits: from the last pong to the
     * FIN, or zero if the connection ended while the client was still sending.
     */
    private static Duration idleAfterClientTraffic(InetSocketAddress address, String path) throws Exception {
        try (RawWebSocket socket = RawWebSocket.open(address, path)) {
            long end = System.nanoTime() + CLIENT_TRAFFIC.toNanos();
            long[] last = {System.nanoTime()};
            boolean[] dropped = {false};
            // Awaitility paces the pongs: one per poll, until the traffic's time is up or a send fails.
            await().pollDelay(Duration.ZERO).pollInterval(READ_TIMEOUT.dividedBy(4))
                    .atMost(CLIENT_TRAFFIC.plus(TIMEOUT)).until(() -> {
                        try {
                            socket.sendPong();
                        } catch (IOException e) {
                            dropped[0] = true;
                            return true;
                        }
                        last[0] = System.nanoTime();
                        return last[0] - end >= 0;
                    });
            if (dropped[0]) {
                return Duration.ZERO;
            }
            byte[] beforeEof = socket.readUntilEof(TIMEOUT);
            assertThat(beforeEof).as("bytes before the FIN from %s (a close frame starts with 0x88)", address).isEmpty();
            return Duration.ofNanos(System.nanoTime() - last[0]);
        }
    }

    /** From the last upstream frame the client received to the FIN, with nothing (no close frame) in between. */
    private static Duration idleUntilEof(InetSocketAddress address, String path) throws IOException {
        try (RawWebSocket socket = RawWebSocket.open(address, path)) {
            socket.sendText("last upstream data");
            assertThat(socket.readFrame(0x81)).isEqualTo("last upstream data");
            long last = System.nanoTime();
            byte[] beforeEof = socket.readUntilEof(TIMEOUT);
            long eof = System.nanoTime();
            assertThat(beforeEof).as("bytes before the FIN from %s (a close frame starts with 0x88)", address).isEmpty();
            return Duration.ofNanos(eof - last);
        }
    }

    /** nginx signs its pages with its version, the proxy with its name: the one line allowed to differ. */
    private static String withoutFooter(String body) {
        return body.replaceAll("<hr><center>[^<]*</center>", "<hr><center>(server)</center>");
    }

    private static Duration median(List<Duration> durations) {
        return durations.stream().sorted().toList().get(durations.size() / 2);
    }

    private static List<Long> millis(List<Duration> durations) {
        return durations.stream().map(Duration::toMillis).toList();
    }
}
