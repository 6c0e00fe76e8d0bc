package io.github.wschaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.wschaos.record.ConnectionRecord;
import io.github.wschaos.testing.NettyEchoServer;
import io.github.wschaos.testing.RawHttp;
import io.github.wschaos.testing.RawUpstream;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * How long the proxy waits for a TLS handshake: a {@code wss://} upstream's within the connect timeout, then 504 (as
 * nginx's {@code proxy_connect_timeout} covers "SSL handshaking to upstream"); a client's as long as its request head
 * (60 s, as nginx's {@code client_header_timeout}), not Netty's 10 s default.
 */
class TlsHandshakeTimeoutsTest {

    @Test
    void anUpstreamThatStallsItsTlsHandshakeGetsTheClientA504AfterTheConnectTimeout() throws Exception {
        // Takes the proxy's ClientHello and never answers it.
        try (RawUpstream silent = RawUpstream.start(connection -> connection.readToEnd());
                ChaosProxy proxy = ChaosProxy.builder().upstream("wss://127.0.0.1:" + silent.uri().getPort() + "/")
                        .trustAnyUpstreamCertificate().connectTimeout(Duration.ofMillis(500)).start();
                RawHttp client = RawHttp.connect(proxy.address())) {
            long start = System.nanoTime();
            client.readTimeout(Duration.ofSeconds(20));
            RawHttp.Response response = client.send(RawHttp.upgradeRequest(proxy.address(), "/")).readResponse();

            assertThat(response.status()).isEqualTo(504);
            // 0.5 s, with room for a loaded machine; Netty's own handshake timeout would have taken 10 s.
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            await().atMost(Duration.ofSeconds(5)).until(() -> proxy.recording().attempt(1).isClosed());
            ConnectionRecord record = proxy.recording().attempt(1);
            assertThat(record.failure()).contains("did not finish the TLS handshake within the connect timeout 500 ms");
        }
    }

    @Test
    void aClientsTlsHandshakeIsNotCutAfterTenSeconds() throws Exception {
        try (NettyEchoServer server = NettyEchoServer.start();
                ChaosProxy proxy = ChaosProxy.builder().upstream(server.uri()).tls().start();
                Socket socket = new Socket(proxy.address().getAddress(), proxy.address().getPort())) {
            // A ClientHello's first bytes (a TLS handshake record header), then nothing: a slow client mid-handshake.
            socket.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x00, (byte) 0xc8, 0x01});
            socket.getOutputStream().flush();
            socket.setSoTimeout(11_000);
            InputStream in = socket.getInputStream();
            long start = System.nanoTime();
            try {
                int read = in.read();
                throw new AssertionError("the proxy ended the handshake after "
                        + Duration.ofNanos(System.nanoTime() - start).toMillis() + " ms (read " + read + ")");
            } catch (SocketTimeoutException e) {
                // still open after 11 s: the handshake waits as long as a request head (60 s)
            }
        }
    }
}
