package io.github.wschaos;

import static io.github.wschaos.testing.RawUpstream.ascii;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.wschaos.testing.NginxServer;
import io.github.wschaos.testing.RawHttp;
import io.github.wschaos.testing.RawUpstream;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A request that is not the first on its keep-alive connection (Socket.IO's long-polls, a page's requests) and that
 * the upstream fails to answer. An answer whose head cannot be read gets {@code 502 Bad Gateway}, side by side with
 * nginx 1.22.1 in front of the same upstream; before, only a connection's first request got it, a later one saw its
 * connection close without an answer. An upstream that closes its connection instead ends the client's without an
 * answer, as without a proxy: the upstream may have closed its idle keep-alive connection just as the request went
 * out, and a client retries such a request on a new connection, where a {@code 502} would be a failure.
 */
class UnansweredRequestFidelityTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final String OK = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

    @Test
    void aLaterRequestWhoseAnswerCannotBeReadGets502AsFromNginx() throws Exception {
        try (RawUpstream upstream = RawUpstream.start(connection -> {
                    for (String head = connection.readHead(); head != null; head = connection.readHead()) {
                        if (head.startsWith("GET /too-big ")) {
                            connection.write(ascii("HTTP/1.1 200 OK\r\nX-Filler: " + "v".repeat(70_000) + "\r\n\r\n"));
                            return;
                        }
                        connection.write(ascii(OK));
                    }
                });
                NginxServer nginx = NginxServer.builder(upstream.uri()).start();
                ChaosProxy proxy = ChaosProxy.start(upstream.uri())) {
            assertOkThenBadGateway(nginx.address(), "nginx, the reference");

            assertOkThenBadGateway(proxy.address(), "the proxy");
            await("the connection recorded as closed").atMost(TIMEOUT).until(() -> proxy.recording().attempts() == 1
                    && proxy.recording().attempt(1).isClosed());
            assertThat(proxy.recording().attempt(1).status()).as("the connection's first answer").isEqualTo(200);
            assertThat(proxy.recording().attempt(1).failure()).contains("invalid response");
        }
    }

    private static void assertOkThenBadGateway(InetSocketAddress address, String through) throws Exception {
        try (RawHttp http = RawHttp.connect(address)) {
            assertThat(http.send(get("/ok")).readResponse().body()).as(through + ", the first request").isEqualTo("ok");

            RawHttp.Response second = http.send(get("/too-big")).readResponse();

            assertThat(second.statusLine()).as(through + ", the second request").isEqualTo("HTTP/1.1 502 Bad Gateway");
        }
    }

    @Test
    void aLaterRequestWhoseUpstreamClosesEndsTheClientsConnectionWithoutAnAnswer() throws Exception {
        try (RawUpstream upstream = RawUpstream.start(connection -> {
                    connection.readHead();
                    connection.write(ascii(OK));
                    connection.readHead(); // then closes, the request unanswered
                });
                ChaosProxy proxy = ChaosProxy.start(upstream.uri());
                RawHttp http = RawHttp.connect(proxy.address())) {
            assertThat(http.send(get("/ok")).readResponse().body()).isEqualTo("ok");

            String rest = http.send(get("/closing")).readToEnd();

            assertThat(rest).as("no answer, the connection ended, as straight from the upstream").isEmpty();
            assertThat(upstream.heads()).as("the upstream got the second request").hasSize(2);
        }
    }

    private static String get(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    }
}
