package io.github.wschaos.diagnose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.github.wschaos.testing.NginxServer;
import io.github.wschaos.testing.RawUpstream;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * TLS handshakes that fail before a certificate: a real nginx that shares a version but no cipher suite with the JDK
 * ({@code handshake_failure}), told from one that shares no version ({@code protocol_version}); and a port that
 * accepts and answers the ClientHello with nothing, or a byte now and then, waited for no longer than
 * {@code --timeout} as a whole.
 */
class TlsHandshakeVerdictTest {

    @Test
    void noCommonCipherSuiteIsNotANoCommonVersion() {
        try (NginxServer nginx = NginxServer.builder(URI.create("ws://127.0.0.1:9/")).ssl()
                .serverDirectives("ssl_protocols TLSv1.2; ssl_ciphers CAMELLIA128-SHA;").start()) {
            DiagnosisReport report = Diagnostics.builder(nginx.uri("/chat")).insecure().run();

            assertThat(report.cause()).as(report.toText()).contains(Cause.NO_COMMON_CIPHER_SUITE);
            assertThat(report.check("TLS").evidence()).contains("Received fatal alert: handshake_failure");
            Finding finding = report.diagnosis().orElseThrow();
            assertThat(finding.explanation()).contains("handshake_failure").contains("share no cipher suite")
                    .contains("the client offered TLSv1.3, TLSv1.2 with");
            assertThat(finding.fix()).contains("ssl_ciphers").contains("nmap --script ssl-enum-ciphers");
            // tls-mismatch=no-common-protocol draws protocol_version, not this: no fault reproduces it.
            assertThat(finding.reproduction()).isNull();
            assertThat(report.toText()).contains("Diagnosis: " + Cause.NO_COMMON_CIPHER_SUITE.title())
                    .doesNotContain("--fault tls-mismatch");
        }
    }

    @Test
    void noCommonVersionIsStillNamedSo() {
        try (NginxServer nginx = NginxServer.builder(java.net.URI.create("ws://127.0.0.1:9/")).outdatedTls().start()) {
            DiagnosisReport report = Diagnostics.builder(nginx.uri("/chat")).insecure().run();

            assertThat(report.cause()).as(report.toText()).contains(Cause.NO_COMMON_TLS_PROTOCOL);
            assertThat(report.check("TLS").evidence()).contains("protocol_version");
            assertThat(report.diagnosis().orElseThrow().reproduction().cliFault()).isEqualTo("tls-mismatch=no-common-protocol");
        }
    }

    @Test
    void aClientHelloMetWithSilenceIsWaitedForNoLongerThanTheTimeout() throws Exception {
        try (RawUpstream silent = RawUpstream.start(RawUpstream.Connection::readToEnd)) {
            DiagnosisReport report = assertTimeoutPreemptively(Duration.ofSeconds(15), () -> Diagnostics.builder(
                    "wss://127.0.0.1:" + silent.address().getPort() + "/chat").timeout(Duration.ofSeconds(2)).run());

            assertThat(report.cause()).as(report.toText()).contains(Cause.NO_ANSWER);
            assertThat(report.check("TLS").evidence()).as(report.toText()).containsPattern("Read timed out after 20[0-9][0-9] ms");
            assertThat(report.check("TLS").took()).isLessThan(Duration.ofMillis(2_500));
        }
    }

    /** A handshake record whose bytes come one every 200 ms: each read is answered, the handshake as a whole is not. */
    @Test
    void aTrickledServerHelloIsCutAtTheTimeout() throws Exception {
        try (RawUpstream trickling = RawUpstream.start(connection -> {
            connection.readSome(); // the ClientHello
            byte[] record = new byte[5 + 64];
            record[0] = 0x16; // handshake
            record[1] = 3;
            record[2] = 3;
            record[4] = 64;
            record[5] = 2; // ServerHello
            for (byte b : record) {
                connection.write(new byte[] {b});
                if (connection.readByte(Duration.ofMillis(200)) == -1) {
                    return;
                }
            }
        })) {
            // 69 bytes at this pace are 14 s, far beyond the 2 s timeout.
            DiagnosisReport report = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> Diagnostics.builder(
                    "wss://127.0.0.1:" + trickling.address().getPort() + "/chat").timeout(Duration.ofSeconds(2)).run());

            assertThat(report.cause()).as(report.toText()).contains(Cause.NO_ANSWER);
            assertThat(report.check("TLS").evidence()).as(report.toText()).containsPattern("Read timed out after 20[0-9][0-9] ms")
                    .containsPattern("\\(\\d+ bytes of the server's handshake came in that time");
            assertThat(report.check("TLS").took()).isLessThan(Duration.ofMillis(2_500));
        }
    }
}
