package io.github.wschaos.diagnose;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/**
 * A TLS 1.3-only server (the JDK's, on loopback) and {@code wschaos diagnose} in a JVM whose client goes no further than
 * TLS 1.2 ({@code -Djdk.tls.client.protocols=TLSv1.2}, read once per JVM, hence the child process): the two share no
 * version, and the diagnosis must not take the server for an old one.
 */
class TlsVersionTest {

    @Test
    void tls13OnlyServerAndAClientCappedAtTls12ShareNoVersion() throws Exception {
        X509Bundle certificate = new CertificateBuilder().subject("CN=localhost").setIsCertificateAuthority(true)
                .addSanDnsName("localhost").buildSelfSigned();
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(certificate.toKeyManagerFactory().getKeyManagers(), null, null);
        try (SSLServerSocket server = (SSLServerSocket) context.getServerSocketFactory().createServerSocket(0, 5,
                InetAddress.getLoopbackAddress())) {
            server.setEnabledProtocols(new String[] {"TLSv1.3"});
            Thread accept = new Thread(() -> {
                while (!server.isClosed()) {
                    try (SSLSocket socket = (SSLSocket) server.accept()) {
                        socket.startHandshake();
                    } catch (IOException e) {
                        // The handshake fails: expected.
                    }
                }
            });
            accept.setDaemon(true);
            accept.start();

            Process diagnose = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Djdk.tls.client.protocols=TLSv1.2", "-cp", System.getProperty("java.class.path"),
                    "io.github.wschaos.cli.Main", "diagnose", "wss://localhost:" + server.getLocalPort() + "/chat",
                    "--insecure", "--timeout", "5s"))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String text = new String(diagnose.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(diagnose.waitFor(60, TimeUnit.SECONDS)).as(text).isTrue();

            assertThat(text).contains("Diagnosis: " + Cause.NO_COMMON_TLS_PROTOCOL.title())
                    .contains("the client offered TLSv1.2;")
                    .contains("TLS 1.3 alone, which this client does not offer")
                    .contains("-Djdk.tls.client.protocols=TLSv1.3,TLSv1.2")
                    .contains("tls-mismatch=no-common-protocol");
        }
    }
}
