package io.github.wschaos.diagnose;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.wschaos.testing.LighttpdServer;
import org.junit.jupiter.api.Test;

/**
 * {@code ws://} to a port that speaks TLS, as each product answers it: Apache's and Go's (Caddy's) own {@code 400}
 * replayed byte for byte as captured from Debian's apache2 2.4.71 and caddy 2.6, and a real lighttpd, which closes
 * without a byte (told apart by a TLS handshake on a new connection); nginx's is in {@link NginxDiagnoseTest}.
 */
class TlsPortVerdictTest {

    /** Apache 2.4.71's answer to plain HTTP on an {@code SSLEngine on} port. */
    private static final String APACHE_400 = "HTTP/1.1 400 Bad Request\r\nDate: Mon, 07 Dec 2026 01:15:01 GMT\r\n"
            + "Server: Apache/2.4.71 (Debian) OpenSSL/3.0.19\r\nContent-Length: 402\r\nConnection: close\r\n"
            + "Content-Type: text/html; charset=iso-8859-1\r\n\r\n"
            + "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01//EN\" \"http://www.w3.org/TR/html4/strict.dtd\">\n<html><head>\n"
            + "<title>400 Bad Request</title>\n</head><body>\n<h1>Bad Request</h1>\n"
            + "<p>Your browser sent a request that this server could not understand.<br />\n"
            + "Reason: You're speaking plain HTTP to an SSL-enabled server port.<br />\n"
            + " Instead use the HTTPS scheme to access this URL, please.<br />\n</p>\n</body></html>\n";

    /** Caddy 2.6's (Go net/http's) answer to plain HTTP on its TLS port, then the connection closed. */
    private static final String CADDY_400 = "HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n";

    private static void assertTlsPort(DiagnosisReport report, String words) {
        assertThat(report.cause()).as(report.toText()).contains(Cause.TLS_PORT_FOR_WS);
        assertThat(report.check("TLS").evidence()).contains(words);
        Finding finding = report.diagnosis().orElseThrow();
        assertThat(finding.fix()).contains("Use wss://");
        assertThat(finding.reproduction().cliFault()).isEqualTo("tls-mismatch=tls-listener");
    }

    /** {@code answer} to plain HTTP on a port that completes a TLS handshake too, as the real product's port does. */
    private static DiagnosisReport onTlsPort(String answer) throws Exception {
        try (TlsPortAnswers port = TlsPortAnswers.start(answer, null)) {
            return Diagnostics.builder("ws://127.0.0.1:" + port.port() + "/chat").run();
        }
    }

    @Test
    void apachesPlainHttpToSslPortPage() throws Exception {
        DiagnosisReport report = onTlsPort(APACHE_400);
        assertTlsPort(report, "speaking plain HTTP to an SSL-enabled server port");
        assertThat(report.check("TLS").evidence()).contains("a TLS handshake on a new connection got");
        assertThat(report.diagnosis().orElseThrow().fix()).contains("(Apache: a <VirtualHost *:80> without SSLEngine");
    }

    @Test
    void caddysClientSentHttpToHttpsServer() throws Exception {
        assertTlsPort(onTlsPort(CADDY_400), "Client sent an HTTP request to an HTTPS server");
    }

    @Test
    void lighttpdClosesSilentlyAndATlsHandshakeTellsWhy() {
        try (LighttpdServer lighttpd = LighttpdServer.startTls()) {
            DiagnosisReport report = Diagnostics.builder(lighttpd.plainUri("/chat")).run();
            assertTlsPort(report, "a TLS handshake on a new connection got through");
        }
    }
}
