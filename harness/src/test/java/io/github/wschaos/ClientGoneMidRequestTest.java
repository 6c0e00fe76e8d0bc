package io.github.wschaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.wschaos.record.ConnectionRecord;
import io.github.wschaos.record.Outcome;
import io.github.wschaos.testing.NettyEchoServer;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A client that goes away (FIN or reset) in the middle of its request head gave up on it: the record says so, not that
 * the proxy answered {@code 400}, which nothing could have received.
 */
class ClientGoneMidRequestTest {

    @ParameterizedTest(name = "reset: {0}")
    @ValueSource(booleans = {false, true})
    void isRecordedAsAbortedByTheClient(boolean reset) throws Exception {
        try (NettyEchoServer upstream = NettyEchoServer.start(); ChaosProxy proxy = ChaosProxy.start(upstream.uri())) {
            try (Socket client = new Socket(proxy.address().getAddress(), proxy.port())) {
                OutputStream out = client.getOutputStream();
                out.write("GET /chat HTTP/1.1\r\nHost: localhost\r\nUpgrade: web".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                Awaitility.await().atMost(Duration.ofSeconds(5))
                        .until(() -> proxy.recording().connections().size() == 1); // accepted before it goes
                if (reset) {
                    client.setSoLinger(true, 0);
                }
            }
            ConnectionRecord record = Awaitility.await().atMost(Duration.ofSeconds(5))
                    .until(() -> proxy.recording().attempt(1), ConnectionRecord::isClosed);
            assertThat(record.outcome()).as(record.toString()).isEqualTo(Outcome.ABORTED_BY_CLIENT);
            assertThat(record.status()).as(record.toString()).isZero();
            // After a reset the read's own error ("Connection reset by peer") is the first failure, and kept.
            assertThat(record.toString()).containsAnyOf("in the middle of its request", "Connection reset");
            assertThat(record.toString()).doesNotContain("answered 400");
        }
    }
}
