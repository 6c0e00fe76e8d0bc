package io.github.wschaos;

import static io.github.wschaos.testing.RawUpstream.ascii;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.wschaos.record.Closer;
import io.github.wschaos.record.ConnectionRecord;
import io.github.wschaos.testing.CloseStatus;
import io.github.wschaos.testing.NodeWsServer;
import io.github.wschaos.testing.RawUpstream;
import io.github.wschaos.testing.RawWebSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A peer that half-closes TCP (a FIN, reading still open) right after its close frame. As with nginx 1.22.1
 * (measured: the WebSocket tunnel ends when either side's stream ends), the close frame reaches the other side
 * before the FIN, and both connections end with a FIN, not a reset.
 */
class HalfCloseTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @Test
    void aClientsCloseFrameReachesTheServerWhenTheClientHalfClosesRightAfterIt() throws Exception {
        try (NodeWsServer server = NodeWsServer.start();
                ChaosProxy proxy = ChaosProxy.start(server.uri());
                RawWebSocket socket = RawWebSocket.open(proxy.address(), server.uri().getPath())) {
            socket.sendText("hello");
            assertThat(socket.readFrame(0x81)).isEqualTo("hello");
            socket.sendClose(1000, "bye");
            socket.shutdownOutput();

            socket.readUntilEof(TIMEOUT); // nginx ends the client's connection with a FIN here too
            await().atMost(TIMEOUT).untilAsserted(() ->
                    assertThat(server.closesReceived()).containsExactly(new CloseStatus(1000, "bye")));
            ConnectionRecord record = closedRecord(proxy);
            assertThat(record.close()).hasValueSatisfying(close -> {
                assertThat(close.closer()).isEqualTo(Closer.CLIENT);
                assertThat(close.code()).hasValue(1000);
                assertThat(close.reason()).isEqualTo("bye");
            });
        }
    }

    @Test
    void aServersCloseFrameReachesTheClientWhenTheServerHalfClosesRightAfterIt() throws Exception {
        CompletableFuture<byte[]> upstreamGot = new CompletableFuture<>();
        try (RawUpstream upstream = RawUpstream.start(connection -> {
                    connection.readHead();
                    connection.write(RawUpstream.switchingProtocols(""), RawUpstream.serverFrame(0x1, ascii("hi")));
                    connection.write(RawUpstream.closeFrame(1001, "restart"));
                    connection.shutdownOutput();
                    upstreamGot.complete(connection.readToEnd());
                });
                ChaosProxy proxy = ChaosProxy.start(upstream.uri());
                RawWebSocket socket = RawWebSocket.open(proxy.address(), "/")) {
            assertThat(socket.readFrame(0x81)).isEqualTo("hi");

            assertThat(socket.readUntilEof(TIMEOUT)).isEqualTo(RawUpstream.closeFrame(1001, "restart"));
            upstreamGot.get(5, TimeUnit.SECONDS); // the upstream's read ends with a FIN, or this times out
            ConnectionRecord record = closedRecord(proxy);
            assertThat(record.close()).hasValueSatisfying(close -> {
                assertThat(close.closer()).isEqualTo(Closer.UPSTREAM);
                assertThat(close.code()).hasValue(1001);
            });
        }
    }

    private static ConnectionRecord closedRecord(ChaosProxy proxy) {
        await("connection #1 recorded as closed").atMost(TIMEOUT)
                .until(() -> proxy.recording().attempts() == 1 && proxy.recording().attempt(1).isClosed());
        return proxy.recording().attempt(1);
    }
}
