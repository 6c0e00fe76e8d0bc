package io.github.wschaos.diagnose;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Apache httpd 2.4.71's (Debian's apache2, mod_proxy_http with upgrade=websocket) own error pages for what went wrong
 * between it and its upstream, replayed byte for byte as it sent them to an upgrade request on loopback, and what the
 * diagnosis makes of them.
 */
class ApacheProxyVerdictTest {

    /**
     * Apache's 502 when its upstream accepted the connection and then closed it (FIN) or reset it without answering
     * (the same bytes both ways; error_log AH01102 then AH00898 "Error reading from remote server"), kept alive.
     */
    static final String APACHE_502_READING = "HTTP/1.1 502 Proxy Error\r\nDate: Mon, 07 Dec 2026 23:12:40 GMT\r\n"
            + "Server: Apache/2.4.71 (Debian) OpenSSL/3.0.19\r\nContent-Length: 381\r\nContent-Type: text/html; charset=iso-8859-1\r\n\r\n"
            + "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01//EN\" \"http://www.w3.org/TR/html4/strict.dtd\">\n<html><head>\n"
            + "<title>502 Proxy Error</title>\n</head><body>\n<h1>Proxy Error</h1>\n<p>The proxy server received an invalid\r\n"
            + "response from an upstream server.<br />\r\nThe proxy server could not handle the request<p>Reason: <strong>Error"
            + " reading from remote server</strong></p></p>\n</body></html>\n";

    /** Apache's 503 when the connect to its upstream is refused (error_log AH00957, AH01114). */
    static final String APACHE_503_REFUSED = "HTTP/1.1 503 Service Unavailable\r\nDate: Mon, 07 Dec 2026 23:12:51 GMT\r\n"
            + "Server: Apache/2.4.71 (Debian) OpenSSL/3.0.19\r\nContent-Length: 339\r\nConnection: close\r\n"
            + "Content-Type: text/html; charset=iso-8859-1\r\n\r\n"
            + "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01//EN\" \"http://www.w3.org/TR/html4/strict.dtd\">\n<html><head>\n"
            + "<title>503 Service Unavailable</title>\n</head><body>\n<h1>Service Unavailable</h1>\n"
            + "<p>The server is temporarily unable to service your\nrequest due to maintenance downtime or capacity\n"
            + "problems. Please try again later.</p>\n</body></html>\n";

    /**
     * Apache's 500 when its own TLS handshake with its https:// upstream fails (the same bytes for an untrusted
     * certificate and for an upstream port that speaks plain HTTP; error_log AH00898 "Error during SSL Handshake with
     * remote server"), then the connection closed.
     */
    static final String APACHE_500_SSL_HANDSHAKE = "HTTP/1.1 500 Proxy Error\r\nDate: Mon, 07 Dec 2026 23:12:52 GMT\r\n"
            + "Server: Apache/2.4.71 (Debian) OpenSSL/3.0.19\r\nContent-Length: 313\r\nConnection: close\r\n"
            + "Content-Type: text/html; charset=iso-8859-1\r\n\r\n"
            + "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01//EN\" \"http://www.w3.org/TR/html4/strict.dtd\">\n<html><head>\n"
            + "<title>500 Proxy Error</title>\n</head><body>\n<h1>Proxy Error</h1>\nThe proxy server could not handle the"
            + " request<p>Reason: <strong>Error during SSL Handshake with remote server</strong></p><p />\n</body></html>\n";

    /**
     * nginx 1.22's 400 from its listen ... ssl port, relayed unchanged by Apache (ProxyPass / http://127.0.0.1:PORT/
     * upgrade=websocket, no Via): Apache passes the upstream's Server header on.
     */
    static final String NGINX_400_RELAYED = "HTTP/1.1 400 Bad Request\r\nDate: Mon, 07 Dec 2026 23:12:53 GMT\r\n"
            + "Server: nginx/1.22.1\r\nContent-Type: text/html\r\nContent-Length: 255\r\nConnection: close\r\n\r\n"
            + "<html>\r\n<head><title>400 The plain HTTP request was sent to HTTPS port</title></head>\r\n<body>\r\n"
            + "<center><h1>400 Bad Request</h1></center>\r\n<center>The plain HTTP request was sent to HTTPS port</center>\r\n"
            + "<hr><center>nginx/1.22.1</center>\r\n</body>\r\n</html>\r\n";

    private static void assertPlainToTlsUpstream(DiagnosisReport report) {
        assertThat(report.cause()).as(report.toText()).contains(Cause.PROXY_PLAIN_TO_TLS_UPSTREAM);
        Finding finding = report.diagnosis().orElseThrow();
        assertThat(finding.explanation()).contains("forwards plain HTTP to an upstream port that speaks TLS");
        assertThat(finding.fix()).contains("proxy_pass https://").contains("ProxyPass \"/chat\" \"https://")
                .contains("SSLProxyEngine on").doesNotContain("Use wss://").doesNotContain("Use ws://");
        assertThat(finding.reproduction().cliFault()).isEqualTo("respond-with-status=400");
    }

    @Test
    void httpsPortPageThroughAPlainPortIsTheProxysUpstreamSchemeNotWss() throws Exception {
        DiagnosisReport report = RefusalVerdictTest.diagnose(NGINX_400_RELAYED, "/chat");

        assertPlainToTlsUpstream(report);
        assertThat(report.check("TLS").status()).isEqualTo(CheckStatus.PASSED);
        assertThat(report.check("upgrade").evidence()).contains("The plain HTTP request was sent to HTTPS port")
                .contains("a TLS handshake on a new connection to port");
    }

    @Test
    void httpsPortPageThroughAProxyNamingItselfIsTheProxysUpstreamScheme() throws Exception {
        DiagnosisReport report = RefusalVerdictTest.diagnose(NGINX_400_RELAYED.replace("Connection: close\r\n",
                "Via: 1.1 localhost:43415 (Apache/2.4.71)\r\nConnection: close\r\n"), "/chat");

        assertPlainToTlsUpstream(report);
        assertThat(report.diagnosis().orElseThrow().explanation()).contains("Via header names (1.1 localhost:43415 (Apache/2.4.71))");
    }

    @Test
    void httpsPortPageOverWssIsTheProxysUpstreamSchemeNotWs() throws Exception {
        // Apache terminating TLS on its own port (SSLEngine on), its ProxyPass http:// to nginx's TLS port.
        try (TlsPortAnswers port = TlsPortAnswers.start(NGINX_400_RELAYED, NGINX_400_RELAYED)) {
            DiagnosisReport report = Diagnostics.builder("wss://localhost:" + port.port() + "/chat").insecure().run();

            assertPlainToTlsUpstream(report);
            assertThat(report.diagnosis().orElseThrow().explanation()).contains("over TLS already (wss://)");
        }
    }

    @Test
    void sslHandshakeErrorIsApachesHopToItsUpstreamNotARefusedUpgrade() throws Exception {
        DiagnosisReport report = RefusalVerdictTest.diagnose(APACHE_500_SSL_HANDSHAKE, "/chat");

        assertThat(report.cause()).as(report.toText()).contains(Cause.UPSTREAM_TLS_FAILED);
        assertThat(report.check("upgrade").evidence()).contains("Reason: Error during SSL Handshake with remote server")
                .containsOnlyOnce("Reason:");
        Finding finding = report.diagnosis().orElseThrow();
        assertThat(finding.explanation()).contains("its own TLS connection to that upstream failed").doesNotContain("refused");
        assertThat(finding.fix()).contains("AH00898").contains("SSLProxyEngine on").contains("SSLProxyCACertificateFile")
                .contains("SSLProxyCheckPeerName").contains("SSLProxyProtocol");
        assertThat(finding.reproduction().cliFault()).isEqualTo("respond-with-status=500");
    }

    @Test
    void immediate502ErrorReadingIsAnUpstreamThatClosedNotAnUnreachableOne() throws Exception {
        DiagnosisReport report = RefusalVerdictTest.diagnose(APACHE_502_READING, "/chat");

        assertThat(report.cause()).as(report.toText()).contains(Cause.UPSTREAM_CLOSED_WITHOUT_ANSWER);
        assertThat(report.check("upgrade").evidence()).contains("502 Proxy Error").contains("Reason: Error reading from remote server")
                .containsOnlyOnce("Reason:");
        Finding finding = report.diagnosis().orElseThrow();
        assertThat(finding.explanation()).contains("closed or reset").doesNotContain("cannot reach");
        assertThat(finding.fix()).contains("AH01102").contains("AH00898").doesNotContain("AH00957");
        assertThat(finding.reproduction().cliFault()).isEqualTo("respond-with-status=502");
    }

    @Test
    void immediate503IsARefusedConnectWithApachesLogLines() throws Exception {
        DiagnosisReport report = RefusalVerdictTest.diagnose(APACHE_503_REFUSED, "/chat");

        assertThat(report.cause()).as(report.toText()).contains(Cause.UPSTREAM_UNAVAILABLE);
        assertThat(report.diagnosis().orElseThrow().fix()).contains("AH00957").contains("AH01114");
    }
}
