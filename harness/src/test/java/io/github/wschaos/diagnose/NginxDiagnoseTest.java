package io.github.wschaos.diagnose;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.wschaos.testing.JettyEchoServer;
import io.github.wschaos.testing.NginxServer;
import io.github.wschaos.testing.NodeWsServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Against a real nginx (Debian's, generated configuration on loopback): each misconfiguration diagnosed as its
 * cause with the nginx snippet as the fix, and a correct configuration reported healthy.
 */
class NginxDiagnoseTest {

    private static JettyEchoServer jetty;

    @BeforeAll
    static void startBackend() {
        jetty = JettyEchoServer.start();
    }

    @AfterAll
    static void stopBackend() {
        jetty.close();
    }

    @Test
    void correctConfigurationIsHealthy() {
        try (NginxServer nginx = NginxServer.builder(jetty.uri()).start()) {
            DiagnosisReport report = Diagnostics.builder(nginx.uri("/echo")).run();
            assertThat(report.healthy()).as(report.toText()).isTrue();
            assertThat(report.exitCode()).isZero();
            assertThat(report.check("upgrade").evidence()).startsWith("HTTP/1.1 101").contains("Server: nginx");
        }
    }

    @Test
    void withoutUpgradeConfigurationInFrontOfJetty() {
        try (NginxServer nginx = NginxServer.builder(jetty.uri()).withoutUpgrade().start()) {
            DiagnosisReport report = Diagnostics.builder(nginx.uri("/echo")).run();
            assertThat(report.cause()).as(report.toText()).contains(Cause.PROXY_WITHOUT_UPGRADE);
            assertThat(report.check("upgrade").evidence()).startsWith("HTTP/1.1 404").contains("Server: nginx");
            Finding finding = report.diagnosis().orElseThrow();
            assertThat(finding.fix()).contains("proxy_http_version 1.1;").contains("proxy_set_header Upgrade $http_upgrade;")
                    .contains("proxy_set_header Connection \"upgrade\";");
            assertThat(finding.reproduction().cliFault()).isEqualTo("strip-upgrade-headers");
            assertThat(finding.reproduction().annotation()).contains("@StripUpgradeHeaders");
        }
    }

    @Test
    void withoutUpgradeConfigurationInFrontOfNodeWs() {
        try (NodeWsServer node = NodeWsServer.start();
             NginxServer nginx = NginxServer.builder(node.uri()).withoutUpgrade().start()) {
            DiagnosisReport report = Diagnostics.builder(nginx.uri("/echo")).run();
            assertThat(report.cause()).as(report.toText()).contains(Cause.PROXY_WITHOUT_UPGRADE);
            assertThat(report.check("upgrade").evidence()).startsWith("HTTP/1.1 426");
            assertThat(report.diagnosis().orElseThrow().fix()).contains("proxy_set_header Upgrade $http_upgrade;");
        }
    }

    @Test
    void shortProxyReadTimeoutWithIdle() {
        try (NginxServer nginx = NginxServer.builder(jetty.uri()).proxyReadTimeout(Duration.ofSeconds(1)).start()) {
            DiagnosisReport report = Diagnostics.builder(nginx.uri("/echo")).idle(Duration.ofSeconds(3)).run();
            assertThat(report.cause()).as(report.toText()).contains(Cause.IDLE_TIMEOUT);
            // nginx arms its timer from a cached clock, so it may fire some milliseconds before the second is up.
            assertThat(report.check("idle").evidence()).containsPattern("TCP closed without a close frame after (0\\.9[5-9]|1\\.[0-2])")
                    .contains("kept it open");
            Finding finding = report.diagnosis().orElseThrow();
            assertThat(finding.fix()).contains("proxy_read_timeout 3600s;");
            assertThat(finding.reproduction().cliFault()).isEqualTo("drop-idle=1s");
            assertThat(finding.reproduction().annotation()).contains("@DropIdleConnections(\"1s\")");
        }
    }

    @Test
    void tlsListenerReachedByWs() {
        try (NginxServer nginx = NginxServer.builder(jetty.uri()).ssl().start()) {
            String url = nginx.uri("/echo").toString().replace("wss://", "ws://");
            DiagnosisReport report = Diagnostics.builder(url).run();
            assertThat(report.cause()).as(report.toText()).contains(Cause.TLS_PORT_FOR_WS);
            assertThat(report.check("TLS").evidence()).contains("HTTP/1.1 400").contains("plain HTTP request was sent to HTTPS port");
            assertThat(report.diagnosis().orElseThrow().fix()).contains("wss://");
            assertThat(report.diagnosis().orElseThrow().reproduction().cliFault()).isEqualTo("tls-mismatch=tls-listener");
        }
    }

    @Test
    void selfSignedCertificateIsUntrustedAndInsecureGoesOn() {
        try (NginxServer nginx = NginxServer.builder(jetty.uri()).ssl().start()) {
            DiagnosisReport report = Diagnostics.builder(nginx.uri("/echo")).run();
            assertThat(report.cause()).as(report.toText()).contains(Cause.CERTIFICATE_UNTRUSTED);
            assertThat(report.check("TLS").evidence()).contains("PKIX path building failed");

            DiagnosisReport insecure = Diagnostics.builder(nginx.uri("/echo")).insecure().run();
            assertThat(insecure.healthy()).as(insecure.toText()).isTrue();
            assertThat(insecure.check("TLS").evidence()).contains("NOT VERIFIED (--insecure)");
        }
    }
}
