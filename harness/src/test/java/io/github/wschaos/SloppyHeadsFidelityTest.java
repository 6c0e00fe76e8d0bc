package io.github.wschaos;

import static io.github.wschaos.testing.RawUpstream.ascii;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.wschaos.record.Outcome;
import io.github.wschaos.testing.NginxServer;
import io.github.wschaos.testing.RawHttp;
import io.github.wschaos.testing.RawUpstream;
import io.github.wschaos.testing.RawWebSocket;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Heads that hand-written or sloppy servers and clients send and that nginx 1.22.1 takes, side by side with nginx in
 * front of the same upstream: what gets through nginx gets through the proxy instead of a {@code 400} or {@code 502}.
 * Lines that end in a bare {@code LF} instead of {@code CRLF} (RFC 9112 lets a recipient take them): nginx reads them
 * and sends the head on with {@code CRLF}; through the proxy the head reaches the other side line by line as written,
 * each line ending in {@code CRLF}. An answer whose {@code Content-Length} is repeated, or that has both
 * {@code Content-Length} and {@code Transfer-Encoding: chunked}: nginx relays its body, and the connection serves the
 * next request. And the other way: bytes that no request starts with get nginx's {@code 400} at once, not after the
 * request timeout, on a plain listener and over TLS.
 */
class SloppyHeadsFidelityTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final String ACCEPT = "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

    @Test
    void anUpstreamEndingItsLinesInLfAloneUpgradesTheClientAsThroughNginx() throws Exception {
        String answer = "HTTP/1.1 101 Switching Protocols\nUpgrade: websocket\nConnection: Upgrade\n" + ACCEPT + "\n\n";
        try (RawUpstream upstream = RawUpstream.start(connection -> {
                    connection.readHead();
                    connection.write(ascii(answer), RawUpstream.serverFrame(0x1, ascii("hi")));
                    connection.readToEnd();
                });
                NginxServer nginx = NginxServer.builder(upstream.uri()).start();
                ChaosProxy proxy = ChaosProxy.start(upstream.uri())) {
            try (RawHttp http = RawHttp.connect(nginx.address())) {
                assertThat(http.send(RawHttp.upgradeRequest(nginx.address(), "/")).readHead().status())
                        .as("nginx, the reference").isEqualTo(101);
                assertThat(RawWebSocket.over(http).readFrame(0x81)).isEqualTo("hi");
            }
            try (RawHttp http = RawHttp.connect(proxy.address())) {
                http.send(RawHttp.upgradeRequest(proxy.address(), "/"));

                assertThat(new String(http.readBytes(answer.length() + 5), StandardCharsets.ISO_8859_1))
                        .as("the upstream's head, each line ending in CRLF")
                        .isEqualTo(answer.replace("\n", "\r\n"));
                assertThat(RawWebSocket.over(http).readFrame(0x81)).isEqualTo("hi");
            }
            await("the upgrade recorded").atMost(TIMEOUT).until(() -> proxy.recording().attempts() == 1
                    && proxy.recording().attempt(1).outcome() == Outcome.UPGRADED);
        }
    }

    @Test
    void controlCharactersInHeaderValuesPassBothWaysAsThroughNginxButNul() throws Exception {
        String traced = "X-Trace: a\u0001b\u007fc\r\n";
        try (RawUpstream upstream = RawUpstream.start(connection -> {
                    if (connection.readHead() != null) {
                        connection.write(RawUpstream.switchingProtocols(traced));
                        connection.readToEnd();
                    }
                });
                NginxServer nginx = NginxServer.builder(upstream.uri()).start();
                ChaosProxy proxy = ChaosProxy.start(upstream.uri())) {
            for (InetSocketAddress address : new InetSocketAddress[] {nginx.address(), proxy.address()}) {
                try (RawHttp http = RawHttp.connect(address)) {
                    String request = RawHttp.upgradeRequest(address, "/")
                            .replace("\r\n\r\n", "\r\nCookie: id=a\u0001b\u007f\r\n\r\n");
                    assertThat(http.send(request).readRawHead()).as(address == nginx.address() ? "nginx" : "the proxy")
                            .startsWith("HTTP/1.1 101 ").contains(traced);
                }
                try (RawHttp http = RawHttp.connect(address)) {
                    String request = RawHttp.upgradeRequest(address, "/")
                            .replace("\r\n\r\n", "\r\nCookie: id=a\u0000b\r\n\r\n");
                    assertThat(http.send(request).readHead().status()).as("NUL").isEqualTo(400);
                }
            }
            assertThat(upstream.heads()).as("nginx's head, then the proxy's").hasSize(2)
                    .allMatch(head -> head.contains("Cookie: id=a\u0001b\u007f\r\n"));
        }
    }

    @Test
    void aClientEndingItsLinesInLfAloneUpgradesAsThroughNginx() throws Exception {
        try (RawUpstream upstream = RawUpstream.start(connection -> {
                    connection.readHead();
                    connection.write(RawUpstream.switchingProtocols(""), RawUpstream.serverFrame(0x1, ascii("hi")));
                    connection.readToEnd();
                });
                NginxServer nginx = NginxServer.builder(upstream.uri()).start();
                ChaosProxy proxy = ChaosProxy.start(upstream.uri())) {
            assertUpgradesWithLfLines(nginx.address(), "nginx, the reference");

            assertUpgradesWithLfLines(proxy.address(), "the proxy");
            assertThat(upstream.heads()).as("nginx's head, then the proxy's")
                    .hasSize(2).last().isEqualTo(lfUpgradeRequest(proxy.address()).replace("\n", "\r\n"));
        }
    }

    private static void assertUpgradesWithLfLines(InetSocketAddress address, String through) throws Exception {
        try (RawHttp http = RawHttp.connect(address)) {
            assertThat(http.send(lfUpgradeRequest(address)).readHead().statusLine()).as(through)
                    .startsWith("HTTP/1.1 101 ");
            assertThat(RawWebSocket.over(http).readFrame(0x81)).as(through).isEqualTo("hi");
        }
    }

    private static String lfUpgradeRequest(InetSocketAddress address) {
        return RawHttp.upgradeRequest(address, "/chat").replace("\r\n", "\n");
    }

    @ParameterizedTest(name = "answer #{index}")
    @ValueSource(strings = {
            "Content-Length: 2\r\nContent-Length: 2\r\n",
            "Content-Length: 7\r\nTransfer-Encoding: chunked\r\n"})
    void anAnswerWithSloppyBodyHeadersIsRelayedAsThroughNginx(String bodyHeaders) throws Exception {
        boolean chunked = bodyHeaders.contains("chunked");
        byte[] answer = ascii("HTTP/1.1 200 OK\r\n" + bodyHeaders + "\r\n" + (chunked ? "2\r\nok\r\n0\r\n\r\n" : "ok"));
        try (RawUpstream upstream = RawUpstream.start(connection -> {
                    while (connection.readHead() != null) {
                        connection.write(answer);
                    }
                });
                NginxServer nginx = NginxServer.builder(upstream.uri()).start();
                ChaosProxy proxy = ChaosProxy.start(upstream.uri())) {
            assertTwoAnswersOverOneConnection(nginx.address(), "nginx, the reference");

            assertTwoAnswersOverOneConnection(proxy.address(), "the proxy");
        }
    }

    private static void assertTwoAnswersOverOneConnection(InetSocketAddress address, String through) throws Exception {
        try (RawHttp http = RawHttp.connect(address)) {
            for (String path : new String[] {"/first", "/second"}) {
                RawHttp.Response response = http.send("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                        .readResponse();
                assertThat(response.status()).as(through + ", " + path).isEqualTo(200);
                assertThat(response.body()).as(through + ", " + path).isEqualTo("ok");
            }
        }
    }

    @ParameterizedTest(name = "start #{index}")
    @ValueSource(strings = {"hello", "\r\n\u0001", "\u0080\u0081\u0082\u0083"})
    void bytesNoRequestStartsWithGet400AtOnceAsFromNginx(String start) throws Exception {
        try (RawUpstream upstream = RawUpstream.start(connection -> connection.readToEnd());
                NginxServer nginx = NginxServer.builder(upstream.uri()).start();
                ChaosProxy proxy = ChaosProxy.start(upstream.uri())) {
            assertThat(answerTo(nginx.address(), start)).as("nginx, the reference").startsWith("HTTP/1.1 400 Bad Request\r\n");

            assertThat(answerTo(proxy.address(), start)).as("the proxy").startsWith("HTTP/1.1 400 Bad Request\r\n");
            await("the rejection recorded").atMost(TIMEOUT).until(() -> proxy.recording().attempts() == 1
                    && proxy.recording().attempt(1).isClosed());
            assertThat(proxy.recording().attempt(1).outcome()).isEqualTo(Outcome.REJECTED);
            assertThat(proxy.recording().attempt(1).failure()).contains("malformed request", "no request method");
            assertThat(upstream.heads()).as("nothing reached the upstream").isEmpty();
        }
    }

    @Test
    void overTlsBytesNoRequestStartsWithGet400AtOnceAsFromNginx() throws Exception {
        try (RawUpstream upstream = RawUpstream.start(connection -> connection.readToEnd());
                NginxServer nginx = NginxServer.builder(upstream.uri()).ssl().start();
                ChaosProxy proxy = ChaosProxy.builder().upstream(upstream.uri()).tls().start()) {
            assertThat(answerOverTlsTo(nginx.address(), "hello")).as("nginx, the reference")
                    .startsWith("HTTP/1.1 400 Bad Request\r\n");

            assertThat(answerOverTlsTo(proxy.address(), "hello")).as("the proxy")
                    .startsWith("HTTP/1.1 400 Bad Request\r\n");
            await("the rejection recorded").atMost(TIMEOUT).until(() -> proxy.recording().attempts() == 1
                    && proxy.recording().attempt(1).isClosed());
            assertThat(proxy.recording().attempt(1).failure()).contains("malformed request", "no request method");
        }
    }

    /** {@link #answerTo} over TLS, trusting any certificate (nginx's is self-signed, the proxy's its own). */
    private static String answerOverTlsTo(InetSocketAddress address, String start) throws Exception {
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, InsecureTrustManagerFactory.INSTANCE.getTrustManagers(), null);
        try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(address.getAddress(), address.getPort())) {
            socket.setSoTimeout(Math.toIntExact(TIMEOUT.toMillis()));
            socket.getOutputStream().write(start.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    /** What the peer answers to {@code start}, sent without a line break after it, before it closes. */
    private static String answerTo(InetSocketAddress address, String start) throws Exception {
        try (RawHttp http = RawHttp.connect(address)) {
            http.readTimeout(TIMEOUT);
            return http.send(start.getBytes(StandardCharsets.ISO_8859_1)).readToEnd();
        }
    }
}
