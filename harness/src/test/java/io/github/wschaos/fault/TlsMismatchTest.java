package io.github.wschaos.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.github.wschaos.ChaosProxy;
import io.github.wschaos.record.Outcome;
import io.github.wschaos.testing.JdkWebSocketClient;
import io.github.wschaos.testing.NettyEchoServer;
import java.net.URI;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each TLS mismatch mode, with the exception a JDK client reports, and recovery once disarmed. */
class TlsMismatchTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private NettyEchoServer server;
    private ChaosProxy tlsProxy;
    private ChaosProxy plainProxy;

    @BeforeEach
    void start() {
        server = NettyEchoServer.start();
        tlsProxy = ChaosProxy.builder().upstream(server.uri()).tls().start();
        plainProxy = ChaosProxy.start(server.uri());
    }

    @AfterEach
    void stop() {
        tlsProxy.close();
        plainProxy.close();
        server.close();
    }

    @Test
    void untrustedCertificateFailsPkixPathBuilding() throws Exception {
        Throwable failure = failureWith(TlsMismatch.UNTRUSTED_CERTIFICATE);
        assertThat(failure).isInstanceOf(SSLHandshakeException.class).hasMessageContaining("PKIX path building failed");
        await().atMost(TIMEOUT).untilAsserted(() ->
                assertThat(tlsProxy.recording().attempt(1).outcome()).isEqualTo(Outcome.TLS_FAILED));
    }

    @Test
    void expiredCertificateFailsTheValidityCheck() throws Exception {
        Throwable failure = failureWith(TlsMismatch.EXPIRED_CERTIFICATE);
        assertThat(failure).isInstanceOf(SSLHandshakeException.class);
        assertThat(causeChain(failure)).containsIgnoringCase("expired");
    }

    @Test
    void certificateForAnotherHostFailsHostnameVerification() throws Exception {
        Throwable failure = failureWith(TlsMismatch.WRONG_HOST_CERTIFICATE);
        assertThat(failure).isInstanceOf(SSLHandshakeException.class);
        assertThat(causeChain(failure)).contains("No subject alternative");
    }

    @Test
    void outdatedProtocolsOnlyFailTheHandshake() throws Exception {
        Throwable failure = failureWith(TlsMismatch.NO_COMMON_PROTOCOL);
        assertThat(failure).isInstanceOf(SSLHandshakeException.class)
                .hasMessage("Received fatal alert: protocol_version");
    }

    @Test
    void wssClientOnAPlainListenerGetsAnUnrecognizedSslMessage() throws Exception {
        Throwable failure = failureWith(TlsMismatch.PLAIN_LISTENER);
        assertThat(failure).isInstanceOf(SSLException.class);
        assertThat(causeChain(failure)).containsIgnoringCase("SSL message");
        // Recorded as the client saw it: a failed TLS handshake, though the bytes it failed on were nginx's plain 400.
        await().atMost(TIMEOUT).untilAsserted(() -> {
            assertThat(tlsProxy.recording().attempt(1).outcome()).isEqualTo(Outcome.TLS_FAILED);
            assertThat(tlsProxy.recording().attempt(1).status()).isEqualTo(400);
            assertThat(tlsProxy.recording().attempt(1).failure()).contains("TLS handshake on the plain listener");
        });
    }

    @Test
    void wsClientOnATlsListenerGetsNginxs400() throws Exception {
        try (FaultHandle fault = plainProxy.inject(Faults.forceTlsMismatch(TlsMismatch.TLS_LISTENER))) {
            Throwable failure = JdkWebSocketClient.handshakeFailure(plainProxy.uri(), null, TIMEOUT, null);
            assertThat(failure).isInstanceOf(WebSocketHandshakeException.class);
            assertThat(((WebSocketHandshakeException) failure).getResponse().statusCode()).isEqualTo(400);
            assertThat(((WebSocketHandshakeException) failure).getResponse().body().toString())
                    .contains("The plain HTTP request was sent to HTTPS port");
        }
        assertEchoWorks(plainProxy.uri(), null);
    }

    @Test
    void certificateModesNeedATlsListener() {
        assertThatThrownBy(() -> plainProxy.inject(Faults.forceTlsMismatch(TlsMismatch.EXPIRED_CERTIFICATE)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("EXPIRED_CERTIFICATE")
                .hasMessageContaining("tls()");
    }

    private Throwable failureWith(TlsMismatch mode) throws Exception {
        Throwable failure;
        try (FaultHandle fault = tlsProxy.inject(Faults.forceTlsMismatch(mode))) {
            failure = JdkWebSocketClient.handshakeFailure(tlsProxy.uri(), tlsProxy.certificate().sslContext(), TIMEOUT, null);
        }
        assertEchoWorks(tlsProxy.uri(), tlsProxy.certificate().sslContext());
        return failure;
    }

    private static void assertEchoWorks(URI uri, javax.net.ssl.SSLContext tls) throws Exception {
        try (JdkWebSocketClient client = JdkWebSocketClient.connect(uri, tls, TIMEOUT, null)) {
            client.send("after the fault");
            await().atMost(TIMEOUT).until(() -> client.messages().contains("after the fault"));
        }
    }

    private static String causeChain(Throwable failure) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            text.append(t).append(" / ");
        }
        return text.toString();
    }
}
