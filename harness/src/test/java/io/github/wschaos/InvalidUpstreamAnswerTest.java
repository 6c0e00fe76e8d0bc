package io.github.wschaos;

import static io.github.wschaos.testing.RawUpstream.ascii;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.wschaos.record.Closer;
import io.github.wschaos.record.ConnectionRecord;
import io.github.wschaos.record.Outcome;
import io.github.wschaos.testing.RawHttp;
import io.github.wschaos.testing.RawUpstream;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * An upstream whose answer cannot be read as HTTP never has a made-up answer passed on: nothing readable came, so
 * the client gets the proxy's {@code 502 Bad Gateway}, as from nginx for a head too large ("upstream sent too big
 * header"; for bytes that are not HTTP at all nginx 1.22 passes them on as an HTTP/0.9 answer, a difference the
 * README lists); a body that breaks off after its head was relayed ends the client's connection, unfinished, as nginx
 * ends it, instead of being closed off as if complete.
 */
class InvalidUpstreamAnswerTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @Test
    void aNonHttpUpstreamGets502NotAnInventedStatus() throws Exception {
        assertBadGateway(ascii("SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n"));
    }

    @Test
    void anUpstreamHeadTooLargeToReadGets502NotATruncatedHead() throws Exception {
        StringBuilder head = new StringBuilder("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n");
        for (int i = 0; i < 20; i++) {
            head.append("X-Filler-").append(i).append(": ").append("v".repeat(4000)).append("\r\n");
        }
        assertBadGateway(ascii(head.append("\r\n").toString()));
    }

    @Test
    void a101ToAPlainRequestGets502NotAnInternalError() throws Exception {
        // A server that upgrades whatever it is sent, its first frame right behind the 101: the client asked for no
        // upgrade and can read neither (nginx leaves the client waiting; the record blamed the client).
        try (RawUpstream upstream = RawUpstream.start(connection -> {
                    connection.readHead();
                    connection.write(RawUpstream.switchingProtocols(""), RawUpstream.serverFrame(0x1, ascii("hi")));
                    connection.readToEnd();
                });
                ChaosProxy proxy = ChaosProxy.start(upstream.uri());
                RawHttp http = RawHttp.connect(proxy.address())) {
            RawHttp.Response response = http.send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").readResponse();

            assertThat(response.statusLine()).isEqualTo("HTTP/1.1 502 Bad Gateway");
            ConnectionRecord record = closedRecord(proxy);
            assertThat(record.outcome()).isEqualTo(Outcome.NOT_WEBSOCKET);
            assertThat(record.status()).isEqualTo(502);
            assertThat(record.failure()).contains("invalid response").contains("asked for no upgrade");
        }
    }

    @Test
    void aChunkedBodyThatBreaksOffIsNotRelayedAsComplete() throws Exception {
        try (RawUpstream upstream = RawUpstream.start(connection -> {
                    connection.readHead();
                    connection.write(ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nzz\r\nmore\r\n0\r\n\r\n"));
                    connection.readToEnd();
                });
                ChaosProxy proxy = ChaosProxy.start(upstream.uri());
                RawHttp http = RawHttp.connect(proxy.address())) {
            http.send("GET /page HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");

            String received = http.readToEnd();

            assertThat(received).startsWith("HTTP/1.1 200 OK\r\n").contains("hello")
                    .as("no last chunk: the client sees a body cut short").doesNotEndWith("0\r\n\r\n");
            ConnectionRecord record = closedRecord(proxy);
            assertThat(record.failure()).contains("invalid response");
            // The upstream keeps its connection open (it reads on): the proxy ended the exchange, and says so.
            assertThat(record.close()).hasValueSatisfying(close -> {
                assertThat(close.closer()).isEqualTo(Closer.PROXY);
                assertThat(close.cause()).isEqualTo("the upstream's answer cannot be read as HTTP");
            });
        }
    }

    private static void assertBadGateway(byte[] answer) throws Exception {
        try (RawUpstream upstream = RawUpstream.start(connection -> {
                    connection.readHead();
                    connection.write(answer);
                    connection.readToEnd();
                });
                ChaosProxy proxy = ChaosProxy.start(upstream.uri());
                RawHttp http = RawHttp.connect(proxy.address())) {
            RawHttp.Response response = http.send(RawHttp.upgradeRequest(proxy.address(), "/ws")).readResponse();

            assertThat(response.statusLine()).isEqualTo("HTTP/1.1 502 Bad Gateway");
            assertThat(response.body()).contains("<title>502 Bad Gateway</title>");
            ConnectionRecord record = closedRecord(proxy);
            assertThat(record.outcome()).isEqualTo(Outcome.REJECTED);
            assertThat(record.status()).isEqualTo(502);
            assertThat(record.failure()).contains("invalid response");
        }
    }

    private static ConnectionRecord closedRecord(ChaosProxy proxy) {
        await("connection #1 recorded as closed").atMost(TIMEOUT)
                .until(() -> proxy.recording().attempts() == 1 && proxy.recording().attempt(1).isClosed());
        return proxy.recording().attempt(1);
    }
}
