package io.github.wschaos.diagnose;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.wschaos.fault.Faults;
import io.github.wschaos.fault.IdleTimer;
import io.github.wschaos.testing.RawUpstream;
import io.github.wschaos.testing.UpstreamIdleCutter;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Proxies that cannot be installed in CI, replayed byte for byte as they answered an upgrade request they did not
 * pass on (measured in front of a Node server that answers a plain GET {@code 200 plain ok}): Varnish 7.1 without
 * {@code return (pipe)}, h2o 2.2.5 without {@code proxy.websocket}, tinyproxy 1.11.1 as a reverse proxy. Each is
 * named (by its {@code Via} or {@code Server} header), diagnosed as a proxy that dropped the upgrade, and given its own
 * fix, not "the server refused the upgrade" with a made-up {@code 200} page as the reproduction.
 */
class ProxyProductTest {

    /** Varnish 7.1's answer, the connection kept alive (its builtin VCL fetched the upgrade as a plain GET). */
    private static final String VARNISH = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nDate: Sun, 06 Dec 2026 22:37:15 GMT\r\n"
            + "X-Varnish: 2\r\nAge: 0\r\nVia: 1.1 varnish (Varnish/7.1)\r\nAccept-Ranges: bytes\r\nConnection: keep-alive\r\n"
            + "Transfer-Encoding: chunked\r\n\r\n009\r\nplain ok\n\r\n0\r\n\r\n";
    /** h2o 2.2.5's answer, then the connection closed. */
    private static final String H2O = "HTTP/1.1 200 OK\r\nDate: Sun, 06 Dec 2026 22:37:24 GMT\r\nConnection: close\r\n"
            + "Server: h2o/2.2.5\r\nContent-Type: text/plain\r\ntransfer-encoding: chunked\r\n\r\n9\r\nplain ok\n\r\n0\r\n\r\n";
    /** tinyproxy 1.11.1's answer (ReversePath), then the connection closed. */
    private static final String TINYPROXY = "HTTP/1.1 200 OK\r\nVia: 1.1 vm (tinyproxy/1.11.1)\r\nContent-Type: text/plain\r\n"
            + "Date: Sun, 06 Dec 2026 22:37:20 GMT\r\nTransfer-Encoding: chunked\r\n\r\n9\r\nplain ok\n\r\n0\r\n\r\n";

    /** squid 5.7's answer in accel mode (cache_peer a Node ws server), the connection kept alive. */
    private static final String SQUID = "HTTP/1.1 426 Upgrade Required\r\nContent-Length: 16\r\nContent-Type: text/plain\r\n"
            + "Date: Mon, 07 Dec 2026 01:15:10 GMT\r\nX-Cache: MISS from vm\r\nX-Cache-Lookup: MISS from vm:27506\r\n"
            + "Via: 1.1 vm (squid/5.7)\r\nConnection: keep-alive\r\n\r\nUpgrade Required";

    private static DiagnosisReport diagnose(String answer, boolean keepAlive) throws Exception {
        try (RawUpstream proxy = RawUpstream.start(connection -> {
            connection.readHead();
            connection.write(RawUpstream.ascii(answer));
            if (keepAlive) {
                connection.readHead(Duration.ofSeconds(5));
            }
        })) {
            return Diagnostics.builder(proxy.uri().resolve("/chat")).run();
        }
    }

    private static Finding strippedUpgrade(DiagnosisReport report, String product) {
        assertThat(report.cause()).as(report.toText()).contains(Cause.PROXY_WITHOUT_UPGRADE);
        Finding finding = report.diagnosis().orElseThrow();
        assertThat(finding.explanation()).as(report.toText())
                .contains("200 to the upgrade through " + product + ", and a plain GET of the same URL got 200 too")
                .contains("strip-upgrade-headers sends the upstream nginx's request");
        assertThat(finding.fix()).doesNotContain("does not name it");
        assertThat(finding.reproduction().cliFault()).isEqualTo("strip-upgrade-headers");
        return finding;
    }

    @Test
    void varnishIsNamedByItsViaHeader() throws Exception {
        DiagnosisReport report = diagnose(VARNISH, true);
        assertThat(report.check("upgrade").evidence()).contains("Via: 1.1 varnish (Varnish/7.1)").contains("body: plain ok");
        Finding finding = strippedUpgrade(report, "Varnish");
        assertThat(finding.fix()).contains("return (pipe);").contains("set bereq.http.Upgrade = req.http.Upgrade;");
    }

    @Test
    void h2oIsNamedByItsServerHeader() throws Exception {
        Finding finding = strippedUpgrade(diagnose(H2O, false), "h2o");
        assertThat(finding.fix()).contains("proxy.websocket: ON");
    }

    @Test
    void tinyproxyIsNamedByItsViaHeader() throws Exception {
        Finding finding = strippedUpgrade(diagnose(TINYPROXY, false), "tinyproxy");
        assertThat(finding.fix()).contains("tinyproxy cannot carry WebSockets");
    }

    @Test
    void squidIsNamedByItsViaHeader() throws Exception {
        DiagnosisReport report = diagnose(SQUID, true);
        assertThat(report.cause()).as(report.toText()).contains(Cause.PROXY_WITHOUT_UPGRADE);
        assertThat(report.check("upgrade").evidence()).contains("Via: 1.1 vm (squid/5.7)");
        Finding finding = report.diagnosis().orElseThrow();
        assertThat(finding.explanation()).contains("The proxy in front (squid)");
        assertThat(finding.fix()).contains("squid as a reverse proxy").contains("http_upgrade_request_protocols")
                .doesNotContain("does not name it").doesNotContain("proxy_http_version");
    }

    @Test
    void caddysIdleTimerThatOnlyUpstreamDataResetsIsGivenAlongside() throws Exception {
        try (UpstreamIdleCutter caddy = UpstreamIdleCutter.start("Caddy", Duration.ofSeconds(1))) {
            DiagnosisReport report = Diagnostics.builder(caddy.uri()).idle(Duration.ofSeconds(3)).run();

            assertThat(report.cause()).as(report.toText()).contains(Cause.IDLE_TIMEOUT);
            assertThat(report.check("idle").evidence()).contains("TCP closed without a close frame after").contains("kept it open");
            Finding finding = report.diagnosis().orElseThrow();
            assertThat(finding.reproduction().cliFault()).isEqualTo("drop-idle=1s");
            assertThat(finding.explanation()).contains("Caddy's reverse_proxy transport read_timeout counts only data from the upstream")
                    .contains("--fault drop-idle=1s:upstream");
            assertThat(finding.fix()).contains("read_timeout 3600s");
            // The flag given alongside is the fault whose timer only the upstream's data resets.
            assertThat(FaultFlags.parse("drop-idle=1s:upstream"))
                    .isEqualTo(Faults.dropIdleConnections(Duration.ofSeconds(1), IdleTimer.UPSTREAM_DATA));
        }
    }
}
