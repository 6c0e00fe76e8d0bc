package io.github.wschaos.diagnose;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import java.io.IOException;
import java.net.InetAddress;
import java.security.KeyStore;
import java.security.cert.Certificate;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/**
 * A TLS server (the JDK's, on loopback) that sends its own certificate, issued by an intermediate, without the
 * intermediate: the client trusts the root, and the chain cannot be built.
 */
class CertificateChainTest {

    @Test
    void aLeafSentWithoutItsIntermediateIsAnIncompleteChain() throws Exception {
        X509Bundle root = new CertificateBuilder().subject("CN=Test Root").setIsCertificateAuthority(true).buildSelfSigned();
        X509Bundle intermediate = new CertificateBuilder().subject("CN=Test Intermediate").setIsCertificateAuthority(true)
                .buildIssuedBy(root);
        X509Bundle leaf = new CertificateBuilder().subject("CN=localhost").addSanDnsName("localhost").buildIssuedBy(intermediate);
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        char[] password = "p".toCharArray();
        // Only the leaf: the server's configuration lacks the chain (nginx ssl_certificate cert.pem, not fullchain.pem).
        keys.setKeyEntry("leaf", leaf.getKeyPair().getPrivate(), password, new Certificate[] {leaf.getCertificate()});
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, password);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers.getKeyManagers(), null, null);
        try (SSLServerSocket server = (SSLServerSocket) context.getServerSocketFactory().createServerSocket(0, 5,
                InetAddress.getLoopbackAddress())) {
            Thread accept = new Thread(() -> {
                try (SSLSocket socket = (SSLSocket) server.accept()) {
                    socket.startHandshake();
                } catch (IOException e) {
                    // The client refuses the chain: expected.
                }
            });
            accept.setDaemon(true);
            accept.start();

            DiagnosisReport report = Diagnostics.builder("wss://localhost:" + server.getLocalPort() + "/chat")
                    .trust(root.toTrustManagerFactory()).run();

            assertThat(report.cause()).as(report.toText()).contains(Cause.CERTIFICATE_UNTRUSTED);
            assertThat(report.check("TLS").evidence()).contains("no intermediate certificate");
            assertThat(report.diagnosis().orElseThrow().explanation())
                    .contains("The server sends no intermediate certificate").contains("CN=Test Intermediate");
            assertThat(report.diagnosis().orElseThrow().fix()).contains("nginx: ssl_certificate fullchain.pem")
                    .contains("Apache 2.4.8+: SSLCertificateFile fullchain.pem");
        }
    }
}
