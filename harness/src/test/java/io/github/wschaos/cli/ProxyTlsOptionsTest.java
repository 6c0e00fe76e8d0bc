package io.github.wschaos.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.wschaos.internal.PemTrust;
import io.github.wschaos.testing.JdkWebSocketClient;
import io.github.wschaos.testing.NettyEchoServer;
import java.net.URI;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code wschaos proxy}'s TLS options as a user runs them, in a process of its own: {@code --certificate-out} writes
 * the authority a client must trust to reach a {@code --tls} listener, and {@code --upstream-ca} lets the proxy reach a
 * {@code wss://} upstream whose certificate comes from the test's own authority. Before, a standalone {@code --tls}
 * proxy could be reached only by a client that checks no certificate, and such an upstream not at all.
 */
class ProxyTlsOptionsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void aClientTrustingTheWrittenCertificateReachesTheTlsListener() throws Exception {
        Path certificate = dir.resolve("wschaos-ca.pem");
        try (NettyEchoServer upstream = NettyEchoServer.start();
                ProxyProcess proxy = ProxyProcess.start("--upstream", upstream.uri().toString(), "--tls",
                        "--certificate-out", certificate.toString())) {
            URI uri = proxy.uri(WAIT);
            assertThat(uri.getScheme()).isEqualTo("wss");
            assertThat(Files.readString(certificate)).startsWith("-----BEGIN CERTIFICATE-----");

            try (JdkWebSocketClient client = JdkWebSocketClient.connect(uri, trusting(certificate), WAIT, null)) {
                client.send("over wss");
                await().atMost(WAIT).until(() -> client.messages().contains("over wss"));
            }
        }
    }

    @Test
    void theUpstreamCaLetsTheProxyReachAWssUpstreamOfItsOwnAuthority() throws Exception {
        Path upstreamCa = dir.resolve("upstream-ca.pem");
        try (NettyEchoServer upstream = NettyEchoServer.startTls()) {
            Files.writeString(upstreamCa, upstream.certificatePem());
            try (ProxyProcess untrusting = ProxyProcess.start("--upstream", upstream.uri().toString())) {
                Throwable failure = JdkWebSocketClient.handshakeFailure(untrusting.uri(WAIT), null, WAIT, null);
                assertThat(failure).as("without --upstream-ca the JDK's trust store decides")
                        .isInstanceOf(WebSocketHandshakeException.class);
                assertThat(((WebSocketHandshakeException) failure).getResponse().statusCode()).isEqualTo(502);
            }
            try (ProxyProcess proxy = ProxyProcess.start("--upstream", upstream.uri().toString(),
                    "--upstream-ca", upstreamCa.toString());
                    JdkWebSocketClient client = JdkWebSocketClient.connect(proxy.uri(WAIT), null, WAIT, null)) {
                client.send("to a wss upstream");
                await().atMost(WAIT).until(() -> client.messages().contains("to a wss upstream"));
            }
        }
    }

    private static SSLContext trusting(Path pem) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, PemTrust.of(Files.readString(pem)).getTrustManagers(), null);
        return context;
    }
}
