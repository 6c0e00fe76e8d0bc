package io.github.wschaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.wschaos.record.Closer;
import io.github.wschaos.record.ConnectionRecord;
import io.github.wschaos.record.Outcome;
import io.github.wschaos.testing.NettyEchoServer;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A client whose hello the TLS listener refuses (no cipher suite in common) and that keeps its side open, as a raw
 * or scripted client does: the proxy's alert, then its FIN, as from nginx, and the record says the proxy closed it.
 * On io_uring the proxy's close alone left the socket open in the kernel until the client closed (300 s seen).
 */
class FailedTlsHandshakeCloseTest {

    @Test
    void aRefusedHelloGetsTheAlertThenAFin() throws Exception {
        try (NettyEchoServer upstream = NettyEchoServer.start();
                ChaosProxy proxy = ChaosProxy.builder().upstream(upstream.uri()).tls().start();
                Socket socket = new Socket(proxy.address().getAddress(), proxy.port())) {
            SSLEngine client = SSLContext.getDefault().createSSLEngine("localhost", proxy.port());
            client.setUseClientMode(true);
            client.setEnabledProtocols(new String[] {"TLSv1.2"});
            // A suite for an RSA certificate: the listener's key is EC, so no suite is in common.
            client.setEnabledCipherSuites(new String[] {"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"});
            ByteBuffer hello = ByteBuffer.allocate(client.getSession().getPacketBufferSize());
            client.beginHandshake();
            client.wrap(ByteBuffer.allocate(0), hello);
            socket.getOutputStream().write(hello.array(), 0, hello.position());
            socket.getOutputStream().flush();

            socket.setSoTimeout(5_000); // the FIN comes at once; without it the read times out
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            for (int b = in.read(); b >= 0; b = in.read()) {
                received.write(b);
            }
            byte[] alert = received.toByteArray();
            assertThat(alert).as("a TLS alert record: handshake_failure").hasSize(7).startsWith(0x15, 0x03, 0x03);
            assertThat(alert[6]).isEqualTo((byte) 40);

            ConnectionRecord record = Awaitility.await().atMost(Duration.ofSeconds(5))
                    .until(() -> proxy.recording().attempt(1), ConnectionRecord::isClosed);
            assertThat(record.outcome()).isEqualTo(Outcome.TLS_FAILED);
            assertThat(record.close().orElseThrow().closer()).isEqualTo(Closer.PROXY);
        }
    }
}
