package io.github.wschaos;

import static io.github.wschaos.testing.RawUpstream.ascii;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.wschaos.record.ConnectionRecord;
import io.github.wschaos.record.Outcome;
import io.github.wschaos.testing.NginxServer;
import io.github.wschaos.testing.RawHttp;
import io.github.wschaos.testing.RawUpstream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The requests nginx answers itself, side by side with nginx 1.22.1 in front of the same upstream: {@code CONNECT}
 * (what a client whose {@code HTTPS_PROXY} points at the proxy sends), {@code TRACE}, HTTP versions from 2 on and the
 * HTTP/2 connection preface never reach the upstream, and the client gets nginx's status line. Before, the proxy
 * relayed them: the upstream's {@code 200} to a {@code CONNECT} was lost (the client saw the connection end without an
 * answer), a {@code TRACE} was answered by the upstream where behind nginx it never is, and a client opening with the
 * HTTP/2 preface waited for an answer until the upstream gave up.
 */
class RefusedRequestsFidelityTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "CONNECT 127.0.0.1:443 HTTP/1.1 | HTTP/1.1 400 Bad Request",
            "CONNECT /chat HTTP/1.1         | HTTP/1.1 405 Not Allowed",
            "TRACE /chat HTTP/1.1           | HTTP/1.1 405 Not Allowed",
            "GET /chat HTTP/2.0             | HTTP/1.1 505 HTTP Version Not Supported",
            "GET /chat HTTP/3.0             | HTTP/1.1 505 HTTP Version Not Supported",
            "GET /chat HTTP/2               | HTTP/1.1 505 HTTP Version Not Supported",
            "GET /chat HTTP/10.0            | HTTP/1.1 505 HTTP Version Not Supported"})
    void isAnsweredByTheProxyAsByNginxAndNeverRelayed(String requestLine, String statusLine) throws Exception {
        String request = requestLine + "\r\nHost: 127.0.0.1\r\n\r\n";
        try (RawUpstream upstream = RawUpstream.start(connection -> {
                    while (connection.readHead() != null) {
                        connection.write(ascii("HTTP/1.1 200 Connection established\r\n\r\n"));
                    }
                });
                NginxServer nginx = NginxServer.builder(upstream.uri()).start();
                ChaosProxy proxy = ChaosProxy.start(upstream.uri())) {
            List<String> nginxHeaders = assertAnsweredAndClosed(nginx.address(), request, statusLine, "nginx, the reference");

            assertThat(assertAnsweredAndClosed(proxy.address(), request, statusLine, "the proxy"))
                    .as("the answer's header names, in nginx's order").isEqualTo(nginxHeaders);
            assertThat(upstream.heads()).as("nothing reached the upstream, through nginx nor the proxy").isEmpty();
            await("the rejection recorded").atMost(TIMEOUT).until(() -> proxy.recording().attempts() == 1
                    && proxy.recording().attempt(1).isClosed());
            ConnectionRecord record = proxy.recording().attempt(1);
            assertThat(record.outcome()).isEqualTo(Outcome.REJECTED);
            assertThat(record.status()).isEqualTo(Integer.parseInt(statusLine.split(" ")[1]));
            assertThat(record.failure()).contains(requestLine.substring(0, requestLine.indexOf(" HTTP/")), "not relayed");
            if (requestLine.startsWith("CONNECT 127.0.0.1:443")) {
                assertThat(record.failure()).as("why a client sends it").contains("as its HTTP forward proxy");
            }
        }
    }

    @Test
    void theHttp2ConnectionPrefaceIsRefusedAtOnceAsByNginxNotHeldUntilTheUpstreamGivesUp() throws Exception {
        // What an HTTP/2 client without an upgrade (gRPC, curl --http2-prior-knowledge) opens with: the preface, then a
        // SETTINGS frame. An upstream that waits for the rest of the preface (Python's aiohttp does) never answers.
        String preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\u0000\u0000\u0000\u0004\u0000\u0000\u0000\u0000\u0000";
        try (RawUpstream upstream = RawUpstream.start(connection -> {
                    while (connection.readHead() != null) {
                        // never answers
                    }
                });
                NginxServer nginx = NginxServer.builder(upstream.uri()).start();
                ChaosProxy proxy = ChaosProxy.start(upstream.uri())) {
            List<String> nginxHeaders = assertAnsweredAndClosed(nginx.address(), preface, "HTTP/1.1 400 Bad Request",
                    "nginx, the reference");

            assertThat(assertAnsweredAndClosed(proxy.address(), preface, "HTTP/1.1 400 Bad Request", "the proxy"))
                    .as("the answer's header names, in nginx's order").isEqualTo(nginxHeaders);
            assertThat(upstream.heads()).as("nothing reached the upstream, through nginx nor the proxy").isEmpty();
        }
    }

    /** Returns the answer's header names, in order. */
    private static List<String> assertAnsweredAndClosed(InetSocketAddress address, String request, String statusLine,
            String through) throws Exception {
        try (RawHttp http = RawHttp.connect(address)) {
            String head = http.send(request).readRawHead();
            assertThat(head).as(through)
                    .startsWith(statusLine + "\r\n").containsIgnoringCase("\r\nConnection: close\r\n");
            http.readToEnd(); // the connection ends after the answer's body (the read times out otherwise)
            return head.lines().skip(1).takeWhile(line -> !line.isEmpty())
                    .map(line -> line.substring(0, line.indexOf(':')).toLowerCase(Locale.ROOT)).toList();
        }
    }
}
