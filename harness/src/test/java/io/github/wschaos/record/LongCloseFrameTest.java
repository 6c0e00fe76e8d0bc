package io.github.wschaos.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.wschaos.ChaosProxy;
import io.github.wschaos.testing.RawHttp;
import io.github.wschaos.testing.RawUpstream;
import io.github.wschaos.testing.RawWebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A close frame with more than 125 bytes of payload breaks RFC 6455 (the peer fails the connection on it), but it is
 * the sender's close: the record names that sender, its code and its reason, as for any other close frame; a reason
 * longer than 1,022 bytes is recorded up to there.
 */
class LongCloseFrameTest {

    private static final String REASON_300 = "r".repeat(300);

    @Test
    void aClientsCloseWithA300ByteReasonIsRecordedAsTheClients() throws Exception {
        try (RawUpstream upstream = RawUpstream.start(connection -> {
                    connection.readHead();
                    connection.write(RawUpstream.switchingProtocols(""));
                    connection.readBytes(8 + 2 + 300); // the client's close frame: header, code, reason
                    connection.write(RawUpstream.closeFrame(1000, ""));
                    connection.shutdownOutput();
                    connection.readToEnd();
                });
                ChaosProxy proxy = ChaosProxy.start(upstream.uri());
                RawHttp http = RawHttp.connect(proxy.address())) {
            assertThat(http.send(RawHttp.upgradeRequest(proxy.address(), "/")).readHead().status()).isEqualTo(101);
            RawWebSocket.over(http).sendClose(4001, REASON_300);
            RawWebSocket.over(http).readUntilEof(Duration.ofSeconds(5));

            await().atMost(Duration.ofSeconds(5)).until(() -> proxy.recording().attempt(1).isClosed());
            CloseInfo close = proxy.recording().attempt(1).close().orElseThrow();
            assertThat(close.closer()).isEqualTo(Closer.CLIENT);
            assertThat(close.code()).hasValue(4001);
            assertThat(close.reason()).isEqualTo(REASON_300);
        }
    }

    @Test
    void aServersCloseWithA70000ByteReasonIsRecordedWithItsStart() throws Exception {
        byte[] reason = "s".repeat(70_000).getBytes(StandardCharsets.US_ASCII);
        byte[] close = ByteBuffer.allocate(10 + 2 + reason.length).put((byte) 0x88).put((byte) 127)
                .putLong(2 + reason.length).putShort((short) 1001).put(reason).array();
        try (RawUpstream upstream = RawUpstream.start(connection -> {
                    connection.readHead();
                    connection.write(RawUpstream.switchingProtocols(""), close);
                    connection.shutdownOutput();
                    connection.readToEnd();
                });
                ChaosProxy proxy = ChaosProxy.start(upstream.uri());
                RawHttp http = RawHttp.connect(proxy.address())) {
            http.send(RawHttp.upgradeRequest(proxy.address(), "/"));
            http.readToEnd();

            await().atMost(Duration.ofSeconds(5)).until(() -> proxy.recording().attempt(1).isClosed());
            CloseInfo info = proxy.recording().attempt(1).close().orElseThrow();
            assertThat(info.closer()).isEqualTo(Closer.UPSTREAM);
            assertThat(info.closeFrame()).isTrue();
            assertThat(info.code()).hasValue(1001);
            assertThat(info.reason()).isEqualTo("s".repeat(1022));
        }
    }
}
