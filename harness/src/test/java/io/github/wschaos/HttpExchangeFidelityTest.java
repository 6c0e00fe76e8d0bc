package io.github.wschaos;

import static io.github.wschaos.testing.RawUpstream.ascii;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.wschaos.fault.Faults;
import io.github.wschaos.fault.Target;
import io.github.wschaos.record.ConnectionRecord;
import io.github.wschaos.record.Outcome;
import io.github.wschaos.testing.RawHttp;
import io.github.wschaos.testing.RawUpstream;
import io.github.wschaos.testing.RawWebSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Plain HTTP exchanges before (or instead of) an upgrade, on one client connection, against an upstream that answers
 * exactly as scripted: a refusal with a chunked body followed by another request, plain requests followed by an
 * upgrade, a request target in absolute form.
 */
class HttpExchangeFidelityTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @Test
    void aChunkedRefusalOfAnUpgradeIsRelayedAndTheConnectionServesTheNextRequest() throws Exception {
        try (RawUpstream upstream = RawUpstream.start(connection -> {
                    connection.readHead();
                    connection.write(ascii("HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"
                            + "6\r\nno way\r\n0\r\n\r\n"));
                    connection.readHead();
                    connection.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"));
                    connection.readToEnd();
                });
                ChaosProxy proxy = ChaosProxy.start(upstream.uri());
                RawHttp http = RawHttp.connect(proxy.address())) {
            RawHttp.Response refusal = http.send(RawHttp.upgradeRequest(proxy.address(), "/ws")).readResponse();
            RawHttp.Response next = http.send("GET /page HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").readResponse();

            assertThat(refusal.status()).isEqualTo(403);
            assertThat(refusal.body()).isEqualTo("no way");
            assertThat(next.status()).isEqualTo(200);
            assertThat(next.body()).isEqualTo("hello");
            assertThat(upstream.heads()).hasSize(2);
            ConnectionRecord record = proxy.recording().attempt(1);
            assertThat(record.outcome()).isEqualTo(Outcome.REJECTED);
            assertThat(record.status()).isEqualTo(403);
        }
    }

    @Test
    void anUpgradeAfterPlainRequestsOnTheSameConnectionIsRecordedAsUpgraded() throws Exception {
        try (RawUpstream upstream = RawUpstream.start(connection -> {
                    connection.readHead();
                    connection.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
                    connection.readHead();
                    connection.write(RawUpstream.switchingProtocols(""), RawUpstream.serverFrame(0x1, ascii("hi")));
                    connection.readToEnd();
                });
                ChaosProxy proxy = ChaosProxy.start(upstream.uri());
                RawHttp http = RawHttp.connect(proxy.address())) {
            RawHttp.Response first = http.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").readResponse();
            RawHttp.Response upgrade = http.send(RawHttp.upgradeRequest(proxy.address(), "/ws")).readHead();

            assertThat(first.body()).isEqualTo("ok");
            assertThat(upgrade.status()).isEqualTo(101);
            assertThat(RawWebSocket.over(http).readFrame(0x81)).isEqualTo("hi");
            await().atMost(TIMEOUT).until(() -> proxy.recording().attempt(1).upgradedAt().isPresent());
            ConnectionRecord record = proxy.recording().attempt(1);
            assertThat(record.outcome()).isEqualTo(Outcome.UPGRADED);
            assertThat(record.status()).isEqualTo(101);
            assertThat(proxy.recording().connections()).filteredOn(ConnectionRecord::isUpgraded).hasSize(1);
        }
    }

    @Test
    void anAbsoluteFormTargetReachesTheUpstreamInOriginFormAsNginxSendsIt() throws Exception {
        try (RawUpstream upstream = RawUpstream.start(connection -> {
                    connection.readHead();
                    connection.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
                    connection.readToEnd();
                });
                ChaosProxy proxy = ChaosProxy.start(upstream.uri());
                RawHttp http = RawHttp.connect(proxy.address())) {
            // Measured with nginx 1.22.1: the upstream got "GET /room/1?x=y HTTP/1.1" and Host from the target.
            RawHttp.Response response = http.send("GET http://chat.example.test/room/1?x=y HTTP/1.1\r\nHost: other.test\r\n\r\n")
                    .readResponse();

            assertThat(response.body()).isEqualTo("ok");
            assertThat(upstream.heads()).singleElement().satisfies(head -> assertThat(head)
                    .startsWith("GET /room/1?x=y HTTP/1.1\r\n")
                    .contains("\r\nHost: chat.example.test\r\n")
                    .doesNotContain("other.test"));
        }
    }

    @Test
    void aPathTargetHitsAnAbsoluteFormRequestForThatPath() throws Exception {
        try (RawUpstream upstream = RawUpstream.start(connection -> {
                    connection.readHead();
                    connection.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
                    connection.readToEnd();
                });
                ChaosProxy proxy = ChaosProxy.start(upstream.uri());
                RawHttp http = RawHttp.connect(proxy.address())) {
            proxy.inject(Faults.respondWithStatus(503), Target.path("/socket.io/"));
            RawHttp.Response response = http.send("GET http://127.0.0.1/socket.io/?EIO=4&transport=polling HTTP/1.1\r\n"
                    + "Host: 127.0.0.1\r\n\r\n").readResponse();

            assertThat(response.status()).isEqualTo(503);
            assertThat(upstream.heads()).isEmpty();
        }
    }
}
