package io.github.wschaos;

import static io.github.wschaos.testing.RawUpstream.ascii;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.wschaos.record.ConnectionRecord;
import io.github.wschaos.record.Outcome;
import io.github.wschaos.testing.NginxServer;
import io.github.wschaos.testing.RawHttp;
import io.github.wschaos.testing.RawUpstream;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A chunked request body that cannot be read (a chunk size that is not hex) gets {@code 400 Bad Request}, side by side
 * with nginx 1.22.1, and the upstream never gets it as a complete request. nginx reads the whole body before passing
 * the request on, so its upstream gets nothing; the proxy streams bodies, so its upstream may get the head and the
 * body's start, and then its connection closed, the body unfinished. Before, the proxy ended the body there with a
 * last chunk of its own: the upstream took the request, body cut short, as complete and the client got its answer.
 * An upstream that answered before the body ended (an early {@code 413}) has its answer stand alone: the client's
 * connection is closed, with no {@code 400} after it that the client would read as the answer to its next request.
 */
class MalformedRequestBodyFidelityTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final String REQUEST = "POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5\r\nhello\r\nzz\r\nmore\r\n0\r\n\r\n";

    @Test
    void aBrokenChunkSizeGets400AndTheUpstreamNeverGetsTheBodyAsEnded() throws Exception {
        List<String> bodies = new CopyOnWriteArrayList<>();
        try (RawUpstream upstream = RawUpstream.start(connection -> {
                    connection.readHead();
                    ByteArrayOutputStream body = new ByteArrayOutputStream();
                    try {
                        for (byte[] read = connection.readSome(); read != null; read = connection.readSome()) {
                            body.write(read);
                            if (body.toString(StandardCharsets.ISO_8859_1).endsWith("0\r\n\r\n")) {
                                connection.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\nuploaded"));
                            }
                        }
                    } finally {
                        bodies.add(body.toString(StandardCharsets.ISO_8859_1));
                    }
                });
                NginxServer nginx = NginxServer.builder(upstream.uri()).start();
                ChaosProxy proxy = ChaosProxy.start(upstream.uri())) {
            assertBadRequest(nginx.address(), "nginx, the reference");
            assertThat(upstream.heads()).as("nginx passes nothing on").isEmpty();

            assertBadRequest(proxy.address(), "the proxy");

            await("the upstream connection closed").atMost(TIMEOUT).until(() -> bodies.size() == 1);
            assertThat(bodies.get(0)).as("what the upstream got of the body: no last chunk").doesNotContain("0\r\n\r\n");
            await("the rejection recorded").atMost(TIMEOUT).until(() -> proxy.recording().attempts() == 1
                    && proxy.recording().attempt(1).isClosed());
            ConnectionRecord record = proxy.recording().attempt(1);
            assertThat(record.outcome()).isEqualTo(Outcome.REJECTED);
            assertThat(record.status()).isEqualTo(400);
            assertThat(record.failure()).contains("malformed request");
        }
    }

    @Test
    void aBrokenChunkAfterTheUpstreamAnsweredEndsTheConnectionWithoutASecondAnswer() throws Exception {
        try (RawUpstream upstream = RawUpstream.start(connection -> {
                    connection.readHead();
                    connection.write(ascii("HTTP/1.1 413 Payload Too Large\r\nContent-Length: 8\r\n\r\ntoo big!"));
                    connection.readToEnd();
                });
                ChaosProxy proxy = ChaosProxy.start(upstream.uri());
                RawHttp http = RawHttp.connect(proxy.address())) {
            http.send("POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
            RawHttp.Response early = http.readResponse();
            assertThat(early.status()).as("the upstream's early answer").isEqualTo(413);
            assertThat(early.body()).isEqualTo("too big!");

            http.send("zz\r\nmore\r\n0\r\n\r\n");

            assertThat(http.readToEnd()).as("no second answer to the request, the connection closed").isEmpty();
            await("the connection recorded as closed").atMost(TIMEOUT).until(() -> proxy.recording().attempts() == 1
                    && proxy.recording().attempt(1).isClosed());
            assertThat(proxy.recording().attempt(1).status()).isEqualTo(413);
            assertThat(proxy.recording().attempt(1).failure()).contains("malformed request body");
        }
    }

    private static void assertBadRequest(InetSocketAddress address, String through) throws Exception {
        try (RawHttp http = RawHttp.connect(address)) {
            assertThat(http.send(REQUEST).readRawHead()).as(through).startsWith("HTTP/1.1 400 Bad Request\r\n");
            http.readToEnd(); // the connection ends after the answer's body (the read times out otherwise)
        }
    }
}
