package io.github.wschaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.wschaos.testing.NginxServer;
import io.github.wschaos.testing.RawHttp;
import io.github.wschaos.testing.RawUpstream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The client side's codec over a connection's later requests: an answer to {@code HEAD} written without a body, and an
 * earlier request's answer with its body, when an informational answer came before it; upgrade requests pipelined
 * behind a refused one, answered in turn; and bytes that no request starts with, sent after a refused upgrade, answered
 * {@code 400} at once, as nginx answers them.
 */
class ClientCodecFidelityTest {

    @Test
    void anAnswerToHeadHasNoBodyAfterAnEarlierRequestsInformationalAnswer() throws Exception {
        try (RawUpstream upstream = RawUpstream.start(connection -> {
                    for (String head = connection.readHead(); head != null; head = connection.readHead()) {
                        if (head.startsWith("HEAD ")) {
                            // A HEAD's answer says how the body of a GET would come, and has none.
                            connection.write(RawUpstream.ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"));
                        } else {
                            connection.write(RawUpstream.ascii("HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n"
                                    + "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n"));
                        }
                    }
                });
                ChaosProxy proxy = ChaosProxy.start(upstream.uri());
                RawHttp http = RawHttp.connect(proxy.address())) {
            // Pipelined: the HEAD is read before the GET's answers come, and the 103 answers no request of its own.
            http.send("GET /page HTTP/1.1\r\nHost: x\r\n\r\nHEAD /page HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(http.readRawHead()).startsWith("HTTP/1.1 103 ");
            assertThat(http.readResponse().body()).as("the GET's answer, after its 103").isEqualTo("ok");
            assertThat(http.readRawHead()).as("the HEAD's answer").startsWith("HTTP/1.1 200 OK\r\n");
            // A body written after the HEAD's head (a last chunk) would be read here as the next answer's start.
            assertThat(http.send("GET /next HTTP/1.1\r\nHost: x\r\n\r\n").readRawHead())
                    .as("the answer after the HEAD's, read right after the HEAD's head").startsWith("HTTP/1.1 103 ");
            assertThat(http.readResponse().body()).isEqualTo("ok");
        }
    }

    @Test
    void upgradeRequestsPipelinedBehindARefusedOneAreAnsweredInTurnAsByNginx() throws Exception {
        // Before, the bytes after the second upgrade request came back to the queue being replayed, and the event loop
        // spun on them for good: no answer at all, and every other connection on that loop stalled.
        try (RawUpstream upstream = RawUpstream.start(connection -> {
                    for (String head = connection.readHead(); head != null; head = connection.readHead()) {
                        connection.write(RawUpstream.ascii(head.contains("Upgrade: websocket")
                                ? "HTTP/1.1 403 Forbidden\r\nContent-Length: 2\r\n\r\nno"
                                : "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
                    }
                });
                NginxServer nginx = NginxServer.builder(upstream.uri()).start();
                ChaosProxy proxy = ChaosProxy.start(upstream.uri())) {
            for (InetSocketAddress front : List.of(nginx.address(), proxy.address())) {
                String through = front.equals(nginx.address()) ? "nginx, the reference" : "the proxy";
                String upgrade = RawHttp.upgradeRequest(front, "/chat");
                try (RawHttp http = RawHttp.connect(front)) {
                    http.send(upgrade + upgrade + "GET /a HTTP/1.1\r\nHost: x\r\n\r\n");
                    assertThat(http.readResponse().status()).as("%s, the first upgrade", through).isEqualTo(403);
                    assertThat(http.readResponse().status()).as("%s, the second upgrade", through).isEqualTo(403);
                    assertThat(http.readResponse().body()).as("%s, the request after them", through).isEqualTo("ok");
                }
            }
        }
    }

    @Test
    void aRefusedHeadRequestGetsA400WithoutABodyAsFromNginx() throws Exception {
        try (RawUpstream upstream = RawUpstream.start(connection -> {
                    while (connection.readHead() != null) {
                        connection.write(RawUpstream.ascii("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
                    }
                });
                NginxServer nginx = NginxServer.builder(upstream.uri()).start();
                ChaosProxy proxy = ChaosProxy.start(upstream.uri())) {
            for (InetSocketAddress front : List.of(nginx.address(), proxy.address())) {
                String through = front.equals(nginx.address()) ? "nginx, the reference" : "the proxy";
                try (RawHttp http = RawHttp.connect(front)) {
                    http.send("GET /first HTTP/1.1\r\nHost: x\r\n\r\nHEAD /x HT2P/1.0\r\nHost: x\r\n\r\n");
                    assertThat(http.readResponse().body()).as(through).isEqualTo("ok");
                    assertThat(http.readRawHead()).as(through).startsWith("HTTP/1.1 400 ");
                    http.readTimeout(java.time.Duration.ofSeconds(5));
                    assertThat(http.readToEnd()).as("%s: the 400 to a later HEAD has no body", through).isEmpty();
                }
                try (RawHttp http = RawHttp.connect(front)) {
                    assertThat(http.send("HEAD /x HT2P/1.0\r\nHost: x\r\n\r\n").readRawHead()).as(through)
                            .startsWith("HTTP/1.1 400 ");
                    http.readTimeout(java.time.Duration.ofSeconds(5));
                    assertThat(http.readToEnd()).as("%s: the 400 to a first HEAD has no body", through).isEmpty();
                }
            }
        }
    }

    @Test
    void aFrameSentAfterARefusedUpgradeGets400AtOnceAsFromNginx() throws Exception {
        byte[] maskedFrame = {(byte) 0x81, (byte) 0x82, 1, 2, 3, 4, 'i', 'k'};
        try (RawUpstream upstream = RawUpstream.start(connection -> {
                    while (connection.readHead() != null) {
                        connection.write(RawUpstream.ascii("HTTP/1.1 403 Forbidden\r\nContent-Length: 2\r\n\r\nno"));
                    }
                });
                NginxServer nginx = NginxServer.builder(upstream.uri()).start();
                ChaosProxy proxy = ChaosProxy.start(upstream.uri())) {
            for (InetSocketAddress front : List.of(nginx.address(), proxy.address())) {
                String through = front.equals(nginx.address()) ? "nginx, the reference" : "the proxy";
                try (RawHttp http = RawHttp.connect(front)) {
                    assertThat(http.send(RawHttp.upgradeRequest(front, "/chat")).readResponse().status()).as(through)
                            .isEqualTo(403);
                    // RawHttp reads for at most 5 s: before, the proxy skipped the frame's bytes and waited for a line.
                    String answer = new String(http.send(maskedFrame).readRawHead().getBytes(StandardCharsets.ISO_8859_1),
                            StandardCharsets.ISO_8859_1);
                    assertThat(answer).as("%s, after the frame", through).startsWith("HTTP/1.1 400 ");
                }
            }
            assertThat(proxy.recording().attempt(1).failure()).contains("it starts with byte 0x81");
        }
    }
}
