package io.github.wschaos.diagnose;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.wschaos.fault.Faults;
import io.github.wschaos.testing.RawUpstream;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Answers to the upgrade request that are not {@code 101}, replayed byte for byte as real products sent them (each
 * captured on loopback from the product named, answering the same upgrade request), and what the diagnosis makes of
 * them: the verdict, the evidence and the reproduction.
 */
class RefusalVerdictTest {

    /** A Node {@code http} server's {@code 307} (node 18, {@code res.writeHead(307, { Location })}), kept alive. */
    private static final String NODE_307 = "HTTP/1.1 307 Temporary Redirect\r\nLocation: ws://127.0.0.1:27500/\r\n"
            + "Content-Type: text/html\r\nDate: Mon, 07 Dec 2026 01:15:15 GMT\r\nConnection: keep-alive\r\n"
            + "Keep-Alive: timeout=5\r\nTransfer-Encoding: chunked\r\n\r\n12\r\n<html>moved</html>\r\n0\r\n\r\n";

    /** Apache 2.4.71's own 404 (Debian's apache2) for a path no ProxyPass or Location covers. */
    private static final String APACHE_404 = "HTTP/1.1 404 Not Found\r\nDate: Mon, 07 Dec 2026 01:14:56 GMT\r\n"
            + "Server: Apache/2.4.71 (Debian) OpenSSL/3.0.19\r\nContent-Length: 236\r\nContent-Type: text/html; charset=iso-8859-1\r\n\r\n"
            + "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01//EN\" \"http://www.w3.org/TR/html4/strict.dtd\">\n<html><head>\n"
            + "<title>404 Not Found</title>\n</head><body>\n<h1>Not Found</h1>\n"
            + "<p>The requested URL was not found on this server.</p>\n</body></html>\n";

    /** lighttpd 1.4.69's own 404 (Debian's lighttpd) for a path outside its proxy.server prefix. */
    private static final String LIGHTTPD_404 = "HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\nContent-Length: 341\r\n"
            + "Date: Mon, 07 Dec 2026 01:15:02 GMT\r\nServer: lighttpd/1.4.69\r\n\r\n"
            + "<?xml version=\"1.0\" encoding=\"iso-8859-1\"?>\n<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\"\n"
            + "         \"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd\">\n"
            + "<html xmlns=\"http://www.w3.org/1999/xhtml\" xml:lang=\"en\" lang=\"en\">\n <head>\n  <title>404 Not Found</title>\n"
            + " </head>\n <body>\n  <h1>404 Not Found</h1>\n </body>\n</html>\n";

    /** Node ws 8.11's own refusal from verifyClient (cb(false, 403)), then the connection closed. */
    private static final String WS_403 = "HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Type: text/html\r\n"
            + "Content-Length: 9\r\n\r\nForbidden";
    /** Node ws 8.11's own refusal from verifyClient (cb(false, 400, 'Subprotocol required')). */
    private static final String WS_400_SUBPROTOCOL = "HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Type: text/html\r\n"
            + "Content-Length: 20\r\n\r\nSubprotocol required";
    /** Node ws 8.11's answer to a plain GET (no Upgrade header). */
    private static final String WS_426 = "HTTP/1.1 426 Upgrade Required\r\nContent-Length: 16\r\nContent-Type: text/plain\r\n"
            + "Date: Mon, 07 Dec 2026 01:36:00 GMT\r\nConnection: close\r\n\r\nUpgrade Required";

    /** Node ws: {@code refusal} to an upgrade request, its 426 to a plain GET. */
    private static DiagnosisReport nodeWs(String refusal) throws Exception {
        try (RawUpstream server = RawUpstream.start(connection -> {
            String head = connection.readHead();
            connection.write(RawUpstream.ascii(head.contains("Upgrade: websocket") ? refusal : WS_426));
        })) {
            return Diagnostics.builder(server.uri().resolve("/chat")).run();
        }
    }

    /**
     * Node 18's http2 server with {@code allowHTTP1: false} answering an HTTP/1.1 request on its TLS port (it offers only
     * ALPN h2), then the connection closed; replayed here without TLS.
     */
    private static final String NODE_H2_ONLY = "HTTP/1.0 403 Forbidden\r\nContent-Type: text/plain\r\n\r\n"
            + "Missing ALPN Protocol, expected `h2` to be available.\nIf this is a HTTP request: The server was not configured"
            + " with the `allowHTTP1` option or a listener for the `unknownProtocol` event.\n";

    /** Serves every connection {@code answer}, then waits up to a second for another request (keep-alive). */
    static DiagnosisReport diagnose(String answer, String path) throws Exception {
        try (RawUpstream server = RawUpstream.start(connection -> {
            connection.readHead();
            connection.write(RawUpstream.ascii(answer));
            connection.readHead(Duration.ofSeconds(1));
        })) {
            return Diagnostics.builder(server.uri().resolve(path)).run();
        }
    }

    @Test
    void redirectShowsItsLocationAndIsReproducedWithIt() throws Exception {
        DiagnosisReport report = diagnose(NODE_307, "/307/ws");

        assertThat(report.cause()).as(report.toText()).contains(Cause.REDIRECT);
        assertThat(report.check("upgrade").evidence()).contains("307 Temporary Redirect").contains("Location: ws://127.0.0.1:27500/");
        Finding finding = report.diagnosis().orElseThrow();
        assertThat(finding.explanation()).contains("redirected to ws://127.0.0.1:27500/")
                .contains("Python websockets follows redirects").contains("Node ws only with followRedirects")
                .doesNotContain("refused");
        assertThat(finding.fix()).contains("ws://127.0.0.1:27500/");
        Reproduction reproduction = finding.reproduction();
        assertThat(reproduction.cliFault()).isEqualTo("respond-with-status=307;Location: ws://127.0.0.1:27500/");
        assertThat(reproduction.commandLine()).endsWith("--fault 'respond-with-status=307;Location: ws://127.0.0.1:27500/'");
        assertThat(reproduction.annotation()).isEqualTo("@RespondWithStatus(value = 307, headers = \"Location: ws://127.0.0.1:27500/\")");
        assertThat(reproduction.java()).isEqualTo("Faults.respondWithStatus(307, Map.of(\"Location\", \"ws://127.0.0.1:27500/\"), \"\")");
        assertThat(FaultFlags.parse(reproduction.cliFault()))
                .isEqualTo(Faults.respondWithStatus(307, Map.of("Location", "ws://127.0.0.1:27500/"), ""));
        assertThat(report.toJson()).contains("Location: ws://127.0.0.1:27500/");
    }

    @Test
    void redirectToHttpsSaysTheEndpointWantsWss() throws Exception {
        DiagnosisReport report = diagnose(NODE_307.replace("307 Temporary Redirect", "301 Moved Permanently")
                .replace("ws://127.0.0.1:27500/", "https://example.test/chat"), "/chat");

        assertThat(report.cause()).as(report.toText()).contains(Cause.REDIRECT);
        Finding finding = report.diagnosis().orElseThrow();
        assertThat(finding.explanation()).contains("the endpoint wants wss://");
        assertThat(finding.fix()).contains("wss://example.test/chat");
        assertThat(finding.reproduction().cliFault()).isEqualTo("respond-with-status=301;Location: https://example.test/chat");
    }

    @Test
    void apachesOwn404IsNoRouteNotAStrippedUpgrade() throws Exception {
        assertOwn404(diagnose(APACHE_404, "/chat"), "Apache");
    }

    @Test
    void lighttpdsOwn404IsNoRouteNotAStrippedUpgrade() throws Exception {
        assertOwn404(diagnose(LIGHTTPD_404, "/other"), "lighttpd");
    }

    private static void assertOwn404(DiagnosisReport report, String product) throws Exception {
        assertThat(report.cause()).as(report.toText()).contains(Cause.WRONG_PATH);
        Finding finding = report.diagnosis().orElseThrow();
        assertThat(finding.explanation()).contains(product + "'s own error page").doesNotContain("plain GET");
        assertThat(finding.reproduction().cliFault()).isEqualTo("respond-with-status=404");
    }

    @Test
    void credentialsInTheUrlAreSentAsBasicAuthAndThePasswordIsNeverShown() throws Exception {
        try (RawUpstream server = RawUpstream.start(connection -> {
            connection.readHead();
            connection.write(RawUpstream.ascii(APACHE_404));
        })) {
            String url = server.uri().resolve("/chat").toString().replace("ws://", "ws://user:s%40cret@");
            DiagnosisReport report = Diagnostics.builder(url).run();

            // "user:s@cret" in base64, as curl, Node ws and Python websockets send it.
            assertThat(server.heads()).isNotEmpty().allSatisfy(head -> assertThat(head).contains("Authorization: Basic dXNlcjpzQGNyZXQ=\r\n"));
            assertThat(report.check("URL").evidence()).contains("user 'user' and its password from the URL sent as Authorization: Basic");
            assertThat(report.toText() + report.toJson()).doesNotContain("cret");

            DiagnosisReport given = Diagnostics.builder(url).header("Authorization", "Bearer t").run();
            assertThat(server.heads().get(server.heads().size() - 1)).contains("Authorization: Bearer t\r\n").doesNotContain("Basic");
            assertThat(given.check("URL").evidence()).contains("credentials in the URL not sent");
        }
    }

    @Test
    void webSocketServersOwn403IsTheServersRefusalNotAProxyRule() throws Exception {
        DiagnosisReport report = nodeWs(WS_403);

        assertThat(report.cause()).as(report.toText()).contains(Cause.SERVER_REFUSED_UPGRADE);
        assertThat(report.check("upgrade").evidence()).contains("a plain GET /chat").contains("426 Upgrade Required");
        Finding finding = report.diagnosis().orElseThrow();
        assertThat(finding.explanation()).contains("refuses the upgrade itself").doesNotContain("WAF");
        assertThat(finding.reproduction().cliFault()).isEqualTo("respond-with-status=403");
    }

    @Test
    void subprotocolRequiredNamesTheHeaderToSend() throws Exception {
        DiagnosisReport report = nodeWs(WS_400_SUBPROTOCOL);

        assertThat(report.cause()).as(report.toText()).contains(Cause.SERVER_REFUSED_UPGRADE);
        Finding finding = report.diagnosis().orElseThrow();
        assertThat(finding.explanation()).contains("Subprotocol required").contains("Sec-WebSocket-Protocol");
        assertThat(finding.fix()).contains("--header \"Sec-WebSocket-Protocol: NAME\"");
        assertThat(finding.reproduction().cliFault()).isEqualTo("respond-with-status=400");
    }

    @Test
    void http2OnlyServerIsNamedNotAForbiddenOrigin() throws Exception {
        DiagnosisReport report = diagnose(NODE_H2_ONLY, "/chat");

        assertThat(report.cause()).as(report.toText()).contains(Cause.HTTP2_ONLY);
        Finding finding = report.diagnosis().orElseThrow();
        assertThat(finding.explanation()).contains("speaks only HTTP/2");
        assertThat(finding.fix()).contains("allowHTTP1: true");
        assertThat(report.check("Origin").status()).isEqualTo(CheckStatus.SKIPPED);
    }

    @Test
    void unauthorizedIsReproducedWithItsWwwAuthenticate() throws Exception {
        // Node ws 8.11's verifyClient cb(false, 401, 'Unauthorized', { 'WWW-Authenticate': 'Bearer realm="chat"' }).
        DiagnosisReport report = diagnose("HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Bearer realm=\"chat\"\r\n"
                + "Connection: close\r\nContent-Type: text/html\r\nContent-Length: 12\r\n\r\nUnauthorized", "/chat");

        assertThat(report.cause()).as(report.toText()).contains(Cause.UNAUTHORIZED);
        Reproduction reproduction = report.diagnosis().orElseThrow().reproduction();
        assertThat(reproduction.cliFault()).isEqualTo("respond-with-status=401;WWW-Authenticate: Bearer realm=\"chat\"");
        assertThat(reproduction.annotation()).isEqualTo("@RespondWithStatus(value = 401, headers = \"WWW-Authenticate: Bearer realm=\\\"chat\\\"\")");
        assertThat(FaultFlags.parse(reproduction.cliFault()))
                .isEqualTo(Faults.respondWithStatus(401, Map.of("WWW-Authenticate", "Bearer realm=\"chat\""), ""));
    }

    @Test
    void serviceUnavailableIsReproducedWithItsRetryAfter() throws Exception {
        // Varnish 7.1's own 503 when its backend is down (captured from Debian's varnish, builtin VCL), kept alive.
        DiagnosisReport report = diagnose("HTTP/1.1 503 Backend fetch failed\r\nDate: Mon, 07 Dec 2026 01:52:05 GMT\r\n"
                + "Server: Varnish\r\nContent-Type: text/html; charset=utf-8\r\nRetry-After: 5\r\nX-Varnish: 2\r\nAge: 0\r\n"
                + "Via: 1.1 varnish (Varnish/7.1)\r\nContent-Length: 278\r\nConnection: keep-alive\r\n\r\n"
                + "<!DOCTYPE html>\n<html>\n  <head>\n    <title>503 Backend fetch failed</title>\n  </head>\n  <body>\n"
                + "    <h1>Error 503 Backend fetch failed</h1>\n    <p>Backend fetch failed</p>\n    <h3>Guru Meditation:</h3>\n"
                + "    <p>XID: 3</p>\n    <hr>\n    <p>Varnish cache server</p>\n  </body>\n</html>\n", "/chat");

        assertThat(report.cause()).as(report.toText()).contains(Cause.UPSTREAM_UNAVAILABLE);
        Finding finding = report.diagnosis().orElseThrow();
        assertThat(finding.explanation()).contains("Retry-After: 5");
        assertThat(finding.reproduction().cliFault()).isEqualTo("respond-with-status=503;Retry-After: 5");
    }
}
