package io.github.wschaos.examples.failures;

import static io.github.wschaos.assertj.WebSocketChaosAssertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.wschaos.ChaosProxy;
import io.github.wschaos.examples.support.AppServer;
import io.github.wschaos.examples.support.Causes;
import io.github.wschaos.examples.support.JdkClient;
import io.github.wschaos.fault.Faults;
import io.github.wschaos.fault.TlsMismatch;
import io.github.wschaos.record.Outcome;
import java.net.URI;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Example 4: {@code ws://} against {@code wss://}, and a certificate the client does not trust.
 *
 * <p><b>Symptom.</b> One of three, depending on the mix-up:
 * <ul>
 *   <li>{@code ws://} to a TLS port: {@code WebSocketHandshakeException}, status {@code 400}, body
 *       "The plain HTTP request was sent to HTTPS port" (nginx's answer);</li>
 *   <li>{@code wss://} to a plain port: {@code SSLException} "Unsupported or unrecognized SSL message";</li>
 *   <li>{@code wss://} to a self-signed or private-CA certificate: {@code SSLHandshakeException}
 *       "PKIX path building failed".</li>
 * </ul>
 *
 * <p><b>Cause.</b> The scheme does not match what the port speaks (TLS terminated somewhere else than assumed,
 * a hard-coded {@code ws://} on an HTTPS page), or the certificate is not issued by an authority the client's trust
 * store holds.
 *
 * <p><b>Fix.</b> The scheme the port speaks; and a trusted certificate, or, in tests, a client that trusts the test
 * authority: here {@code proxy.certificate().sslContext()}.
 */
class Ex04TlsMismatchTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    private AppServer app;
    private ChaosProxy plainProxy;
    private ChaosProxy tlsProxy;

    @BeforeEach
    void start() {
        app = AppServer.start();
        plainProxy = ChaosProxy.start(app.wsUri());
        tlsProxy = ChaosProxy.builder().upstream(app.wsUri()).tls().start();
    }

    @AfterEach
    void stop() {
        tlsProxy.close();
        plainProxy.close();
        app.close();
    }

    @Test
    void wsToATlsPortGetsNginxs400() {
        plainProxy.inject(Faults.forceTlsMismatch(TlsMismatch.TLS_LISTENER));

        Throwable failure = JdkClient.handshakeFailure(plainProxy.uri());

        assertThat(failure).isInstanceOf(WebSocketHandshakeException.class);
        var response = ((WebSocketHandshakeException) failure).getResponse();
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(String.valueOf(response.body())).contains("The plain HTTP request was sent to HTTPS port");
    }

    @Test
    void wssToAPlainPortFailsTheTlsHandshake() {
        tlsProxy.inject(Faults.forceTlsMismatch(TlsMismatch.PLAIN_LISTENER));

        Throwable failure = JdkClient.handshakeFailure(tlsProxy.uri(),
                JdkClient.Options.defaults().tls(tlsProxy.certificate().sslContext()));

        assertThat(failure).isInstanceOf(SSLException.class);
        assertThat(Causes.of(failure)).containsIgnoringCase("SSL message");
    }

    @Test
    void aSelfSignedCertificateFailsPkixPathBuilding() {
        tlsProxy.inject(Faults.forceTlsMismatch(TlsMismatch.UNTRUSTED_CERTIFICATE));

        Throwable failure = JdkClient.handshakeFailure(tlsProxy.uri(),
                JdkClient.Options.defaults().tls(tlsProxy.certificate().sslContext()));

        assertThat(failure).isInstanceOf(SSLHandshakeException.class).hasMessageContaining("PKIX path building failed");
        assertThat(tlsProxy).within(WAIT).attempt(1).hasOutcome(Outcome.TLS_FAILED);
    }

    @Test
    void theJdksDefaultTrustStoreDoesNotKnowAPrivateAuthority() {
        Throwable failure = JdkClient.handshakeFailure(tlsProxy.uri());

        assertThat(failure).isInstanceOf(SSLHandshakeException.class).hasMessageContaining("PKIX path building failed");
    }

    @Test
    void fixedByTheRightSchemeOnEachPort() throws Exception {
        assertThat(plainProxy.uri().getScheme()).isEqualTo("ws");
        assertThat(tlsProxy.uri().getScheme()).isEqualTo("wss");

        assertEchoes(plainProxy.uri(), JdkClient.Options.defaults());
        assertEchoes(tlsProxy.uri(), JdkClient.Options.defaults().tls(tlsProxy.certificate().sslContext()));

        assertThat(plainProxy).within(WAIT).attempt(1).isUpgraded();
        assertThat(tlsProxy).within(WAIT).attempt(1).isUpgraded();
    }

    private static void assertEchoes(URI uri, JdkClient.Options options) throws Exception {
        try (JdkClient client = JdkClient.connect(uri, options)) {
            client.send("hello");
            await().atMost(WAIT).until(() -> client.messages().contains("hello"));
        }
    }
}
