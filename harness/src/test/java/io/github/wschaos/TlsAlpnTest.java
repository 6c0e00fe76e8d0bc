package io.github.wschaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.wschaos.record.ConnectionRecord;
import io.github.wschaos.record.Outcome;
import io.github.wschaos.testing.JdkWebSocketClient;
import io.github.wschaos.testing.NettyEchoServer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The TLS listener speaks HTTP/1.1 by ALPN as nginx's {@code listen ssl} does (measured with nginx 1.22.1 and
 * {@code openssl s_client -alpn}): a client offering {@code h2} and {@code http/1.1}, as browsers and curl do, is told
 * {@code http/1.1}; one offering only {@code h2} gets a {@code no_application_protocol} alert. Before, the listener
 * chose no protocol, so an HTTP/2-only client finished its handshake and then failed on a {@code 400}.
 */
class TlsAlpnTest {

    @Test
    void aClientOfferingH2AndHttp11IsToldHttp11AndItsWebSocketWorks() throws Exception {
        ProxyCertificate certificate = ProxyCertificate.generate();
        try (NettyEchoServer server = NettyEchoServer.start();
                ChaosProxy proxy = ChaosProxy.builder().upstream(server.uri()).tls(certificate).start()) {
            try (SSLSocket socket = handshake(certificate, proxy, "h2", "http/1.1")) {
                assertThat(socket.getApplicationProtocol()).isEqualTo("http/1.1");
            }
            try (SSLSocket socket = handshake(certificate, proxy)) {
                assertThat(socket.getApplicationProtocol()).as("no ALPN offered: none chosen, served").isEmpty();
            }
            try (JdkWebSocketClient client = JdkWebSocketClient.connect(proxy.uri(), certificate.sslContext(),
                    Duration.ofSeconds(5), null)) {
                client.send("over http/1.1");
                Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> client.messages().contains("over http/1.1"));
            }
        }
    }

    @Test
    void aClientOfferingOnlyH2GetsNoApplicationProtocol() throws Exception {
        ProxyCertificate certificate = ProxyCertificate.generate();
        try (NettyEchoServer server = NettyEchoServer.start();
                ChaosProxy proxy = ChaosProxy.builder().upstream(server.uri()).tls(certificate).start()) {
            assertThatThrownBy(() -> handshake(certificate, proxy, "h2").close())
                    .isInstanceOf(SSLHandshakeException.class)
                    .hasMessageContaining("no_application_protocol");

            Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> proxy.recording().attempts() == 1
                    && proxy.recording().attempt(1).isClosed());
            ConnectionRecord record = proxy.recording().attempt(1);
            assertThat(record.outcome()).isEqualTo(Outcome.TLS_FAILED);
            assertThat(record.failure()).contains("No matching application layer protocol");
        }
    }

    private static SSLSocket handshake(ProxyCertificate certificate, ChaosProxy proxy, String... protocols)
            throws Exception {
        SSLSocket socket = (SSLSocket) certificate.sslContext().getSocketFactory().createSocket("127.0.0.1", proxy.port());
        try {
            socket.setSoTimeout(5000);
            SSLParameters parameters = socket.getSSLParameters();
            if (protocols.length > 0) {
                parameters.setApplicationProtocols(protocols);
            }
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            return socket;
        } catch (Exception e) {
            socket.close();
            throw e;
        }
    }
}
