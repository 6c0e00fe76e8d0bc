package io.github.wschaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.wschaos.record.Closer;
import io.github.wschaos.record.ConnectionRecord;
import io.github.wschaos.record.Outcome;
import io.github.wschaos.testing.NettyEchoServer;
import io.github.wschaos.testing.RawHttp;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each kind of bad input gets a clear answer or error, is recorded, and leaves the proxy serving: every test
 * that feeds a running proxy something bad then relays a WebSocket echo through it.
 */
class BadInputTest {

    private NettyEchoServer echo;
    private ChaosProxy proxy;

    @BeforeEach
    void start() {
        echo = NettyEchoServer.start();
        proxy = ChaosProxy.start(echo.uri());
    }

    @AfterEach
    void stop() {
        proxy.close();
        echo.close();
    }

    @Test
    void anUnreachableUpstreamGets502AndARecordThatSaysWhy() throws Exception {
        URI nowhere = URI.create("ws://127.0.0.1:" + freePort() + "/echo");
        proxy.upstream(nowhere);

        ExecutionException failed = catchThrowableOfType(ExecutionException.class, () -> webSocket(proxy.uri()));

        assertThat(failed).hasCauseInstanceOf(WebSocketHandshakeException.class);
        assertThat(((WebSocketHandshakeException) failed.getCause()).getResponse().statusCode()).isEqualTo(502);
        ConnectionRecord record = awaitClosed(1);
        assertThat(record.outcome()).isEqualTo(Outcome.REJECTED);
        assertThat(record.status()).isEqualTo(502);
        assertThat(record.failure()).contains(nowhere.toString()).contains("Connection refused");

        proxy.upstream(echo.uri());
        assertEchoes(proxy);
    }

    @Test
    void theTimelineSaysWhyAnAttemptFailedOnceForAStormOfTheSameFailure() throws Exception {
        URI nowhere = URI.create("ws://127.0.0.1:" + freePort() + "/echo");
        proxy.upstream(nowhere);
        for (int attempt = 1; attempt <= 3; attempt++) {
            catchThrowableOfType(ExecutionException.class, () -> webSocket(proxy.uri()));
            awaitClosed(attempt);
        }

        String timeline = proxy.recording().timeline();
        assertThat(timeline).as(timeline)
                .containsPattern("(?m)^ +1 +\\d+\\.\\d{3}s  REJECTED 502 .*\\R +why:  upstream " + nowhere
                        + " unreachable: .*Connection refused.*\\R +2 ")
                .as("the same reason is not repeated under attempts #2 and #3").containsOnlyOnce("why:");
    }

    @Test
    void aPortHeldByAnotherProxyIsReportedAsInUse() {
        int taken = proxy.port();

        assertThatThrownBy(() -> ChaosProxy.builder().upstream(echo.uri()).port(taken).start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("127.0.0.1:" + taken)
                .hasMessageContaining("already in use");
        assertEchoes(proxy);
    }

    @Test
    void aPortHeldByAServerSocketIsReportedAsInUse() throws IOException {
        try (ServerSocket holder = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(() -> ChaosProxy.builder().upstream(echo.uri()).port(holder.getLocalPort()).start())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("127.0.0.1:" + holder.getLocalPort())
                    .hasMessageContaining("already in use");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:8080/chat", "ftp://127.0.0.1/chat", "//127.0.0.1:8080/chat",
            "/chat", "localhost:8080/chat"})
    void anUpstreamWithAWrongSchemeIsRejectedNamingTheAcceptedForms(String upstream) {
        assertThatThrownBy(() -> ChaosProxy.builder().upstream(upstream))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + upstream + "'")
                .hasMessageContaining("ws://")
                .hasMessageContaining("wss://");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ws:///chat", "ws://:8080/chat", "wss://", "ws://127.0.0.1:abc/chat",
            "ws://127.0.0.1:0/chat", "ws://127.0.0.1:70000/chat"})
    void anUpstreamWithoutAUsableHostOrPortIsRejectedNamingTheAcceptedForms(String upstream) {
        assertThatThrownBy(() -> ChaosProxy.builder().upstream(upstream))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + upstream + "'")
                .hasMessageContaining("ws://host[:port][/path]");
    }

    @Test
    void startingWithoutAnUpstreamIsAnIllegalState() {
        assertThatThrownBy(() -> ChaosProxy.builder().start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("No upstream")
                .hasMessageContaining("upstream(");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0", "192.0.2.10"})
    void aNonLoopbackListenHostNeedsExplicitConsent(String host) {
        assertThatThrownBy(() -> ChaosProxy.builder().upstream(echo.uri()).listenHost(host).start())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + host + "'")
                .hasMessageContaining("allowNonLoopback()");
    }

    @Test
    void aGarbageRequestLineGets400() throws Exception {
        RawHttp.Response response = exchange("this is not http\r\n\r\n");

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.body()).contains("<center><h1>400 Bad Request</h1></center>");
        assertRejectedByTheProxy(400, "malformed request");
        assertEchoes(proxy);
    }

    @Test
    void headersOver8KiBGetNginxsHeaderTooLarge() throws Exception {
        RawHttp.Response response = exchange("GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + "a".repeat(9000) + "\r\n\r\n");

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.body()).contains("<title>400 Request Header Or Cookie Too Large</title>");
        assertRejectedByTheProxy(400, "malformed request");
        assertEchoes(proxy);
    }

    @Test
    void aRequestLineOver8KiBGets414() throws Exception {
        RawHttp.Response response = exchange("GET /" + "a".repeat(9000) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");

        assertThat(response.statusLine()).isEqualTo("HTTP/1.1 414 Request-URI Too Large");
        assertRejectedByTheProxy(414, "malformed request");
        assertEchoes(proxy);
    }

    @Test
    void binaryBytesGet400() throws Exception {
        byte[] binary = new byte[64];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) (0x80 + i);
        }
        String answer;
        try (RawHttp raw = RawHttp.connect(proxy.address())) {
            answer = raw.send(binary).readToEnd();
        }

        assertThat(answer).startsWith("HTTP/1.1 400 Bad Request\r\n");
        assertRejectedByTheProxy(400, "malformed request");
        assertEchoes(proxy);
    }

    @Test
    void aTlsClientHelloOnThePlainPortFailsTheClientsHandshake() throws Exception {
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, null, null);
        try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", proxy.port())) {
            socket.setSoTimeout(5000);
            assertThatThrownBy(socket::startHandshake).isInstanceOf(SSLException.class);
        }

        ConnectionRecord record = awaitClosed(1);
        assertThat(record.outcome()).as("as the client saw it").isEqualTo(Outcome.TLS_FAILED);
        assertThat(record.status()).as("nginx's plain 400, read by the client as a broken TLS record").isEqualTo(400);
        assertThat(record.failure()).contains("TLS handshake on the plain listener");
        assertEchoes(proxy);
    }

    @Test
    void plainHttpOnTheTlsPortGetsNginxsAnswer() throws Exception {
        try (ChaosProxy tlsProxy = ChaosProxy.builder().upstream(echo.uri()).tls().start()) {
            String answer;
            try (RawHttp raw = RawHttp.connect(tlsProxy.address())) {
                answer = raw.send("GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").readToEnd();
            }

            assertThat(answer).startsWith("HTTP/1.1 400 Bad Request\r\n")
                    .contains("The plain HTTP request was sent to HTTPS port");
            ConnectionRecord record = awaitClosed(tlsProxy, 1);
            assertThat(record.outcome()).isEqualTo(Outcome.REJECTED);
            assertThat(record.status()).isEqualTo(400);
            assertThat(record.failure()).contains("plain HTTP on the TLS listener");
            assertEchoes(tlsProxy);
        }
    }

    @Test
    void aClientThatLeavesWithoutAWordIsRecordedAsAborted() throws Exception {
        new Socket("127.0.0.1", proxy.port()).close();

        ConnectionRecord record = awaitClosed(1);
        assertThat(record.outcome()).isEqualTo(Outcome.ABORTED_BY_CLIENT);
        assertThat(record.status()).isZero();
        assertThat(record.close()).hasValueSatisfying(close -> assertThat(close.closer()).isEqualTo(Closer.CLIENT));
        assertEchoes(proxy);
    }

    private RawHttp.Response exchange(String request) throws IOException {
        try (RawHttp raw = RawHttp.connect(proxy.address())) {
            return raw.send(request).readResponse();
        }
    }

    private void assertRejectedByTheProxy(int status, String failure) {
        ConnectionRecord record = awaitClosed(1);
        assertThat(record.outcome()).isEqualTo(Outcome.REJECTED);
        assertThat(record.status()).isEqualTo(status);
        assertThat(record.failure()).isNotEmpty().contains(failure);
    }

    private ConnectionRecord awaitClosed(int attempt) {
        return awaitClosed(proxy, attempt);
    }

    private static ConnectionRecord awaitClosed(ChaosProxy proxy, int attempt) {
        Awaitility.await("attempt #" + attempt + " closed").atMost(Duration.ofSeconds(5))
                .until(() -> proxy.recording().attempts() >= attempt && proxy.recording().attempt(attempt).isClosed());
        return proxy.recording().attempt(attempt);
    }

    /** Relays one text message through {@code through} and back, and sees the attempt recorded as upgraded. */
    private static void assertEchoes(ChaosProxy through) {
        try {
            CompletableFuture<String> echoed = new CompletableFuture<>();
            WebSocket socket = webSocket(through, echoed);
            socket.sendText("still serving", true).get(5, TimeUnit.SECONDS);
            assertThat(echoed.get(5, TimeUnit.SECONDS)).isEqualTo("still serving");
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS);
            assertThat(through.recording().last()).hasValueSatisfying(
                    last -> assertThat(last.outcome()).isEqualTo(Outcome.UPGRADED));
        } catch (Exception e) {
            throw new AssertionError("The proxy no longer relays a WebSocket echo: " + e, e);
        }
    }

    private static WebSocket webSocket(URI uri) throws Exception {
        return HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                .buildAsync(uri, new WebSocket.Listener() { }).get(5, TimeUnit.SECONDS);
    }

    private static WebSocket webSocket(ChaosProxy through, CompletableFuture<String> echoed) throws Exception {
        HttpClient.Builder client = HttpClient.newBuilder();
        if (through.uri().getScheme().equals("wss")) {
            client.sslContext(through.certificate().sslContext());
        }
        return client.build().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                .buildAsync(through.uri(), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        echoed.complete(data.toString());
                        return null;
                    }
                }).get(5, TimeUnit.SECONDS);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
