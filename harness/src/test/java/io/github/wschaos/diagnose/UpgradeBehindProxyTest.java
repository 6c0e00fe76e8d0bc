package io.github.wschaos.diagnose;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.wschaos.testing.JettyEchoServer;
import io.github.wschaos.testing.NginxServer;
import io.github.wschaos.testing.NodeWsServer;
import java.net.URI;
import org.junit.jupiter.api.Test;

/**
 * A {@code 400}, {@code 404} or {@code 200} to the upgrade through a correctly configured nginx (it passes Upgrade and
 * Connection on): the plain GET of the same URL tells an upgrade refused by the WebSocket server (Node's {@code ws} at
 * another path: {@code 400} to the upgrade, {@code 426} to the plain GET) from a dropped upgrade, and where the two get
 * the same answer the diagnosis says what it cannot tell apart.
 */
class UpgradeBehindProxyTest {

    @Test
    void nodeWsServingAnotherPathRefusesTheUpgradeItselfBehindAGoodNginx() {
        try (NodeWsServer node = NodeWsServer.startAt("/ws");
             NginxServer nginx = NginxServer.builder(node.uri()).start()) {
            assertThat(Diagnostics.builder(nginx.uri("/ws")).run().healthy()).as("the WebSocket path works").isTrue();

            DiagnosisReport report = Diagnostics.builder(nginx.uri("/chat")).run();

            assertThat(report.cause()).as(report.toText()).contains(Cause.SERVER_REFUSED_UPGRADE);
            assertThat(report.check("upgrade").evidence()).startsWith("HTTP/1.1 400 Bad Request")
                    .contains("a plain GET /chat (no Upgrade headers, new connection): HTTP/1.1 426 Upgrade Required");
            Finding finding = report.diagnosis().orElseThrow();
            assertThat(finding.explanation()).contains("refuses the upgrade itself")
                    .contains("serves WebSockets at another path (Node's ws, given path:, answers 400");
            assertThat(finding.fix()).contains("Node ws: its path option").doesNotContain("proxy_http_version");
            assertThat(finding.reproduction().cliFault()).isEqualTo("respond-with-status=400");
        }
    }

    @Test
    void a404ToTheUpgradeAndToAPlainGetAlikeSaysWhatItCannotTellApart() {
        try (JettyEchoServer jetty = JettyEchoServer.start();
             NginxServer nginx = NginxServer.builder(jetty.uri()).start()) {
            DiagnosisReport report = Diagnostics.builder(nginx.uri("/chat")).run();

            assertThat(report.cause()).as(report.toText()).contains(Cause.PROXY_WITHOUT_UPGRADE);
            assertThat(report.check("upgrade").evidence()).startsWith("HTTP/1.1 404")
                    .contains("a plain GET /chat (no Upgrade headers, new connection): HTTP/1.1 404");
            Finding finding = report.diagnosis().orElseThrow();
            assertThat(finding.explanation()).contains("a plain GET of the same URL got 404 too")
                    .contains("cannot tell that from an upstream with no WebSocket handler at this path");
            assertThat(finding.fix()).contains("proxy_http_version 1.1;")
                    .contains("If the proxy's configuration already passes Upgrade and Connection on")
                    .contains("check the upstream's WebSocket mapping for /chat");
            assertThat(finding.reproduction().cliFault()).isEqualTo("strip-upgrade-headers");
        }
    }

    @Test
    void a200FromTheProxyItselfIsNamedAsWhatTheAnswerCannotTellFromADroppedUpgrade() {
        try (NginxServer nginx = NginxServer.builder(URI.create("ws://127.0.0.1:9/"))
                .serverDirectives("location /chat { return 200 \"app\"; }").start()) {
            DiagnosisReport report = Diagnostics.builder(nginx.uri("/chat")).run();

            assertThat(report.cause()).as(report.toText()).contains(Cause.PROXY_WITHOUT_UPGRADE);
            assertThat(report.check("upgrade").evidence()).startsWith("HTTP/1.1 200 OK")
                    .contains("a plain GET /chat (no Upgrade headers, new connection): HTTP/1.1 200 OK");
            Finding finding = report.diagnosis().orElseThrow();
            assertThat(finding.explanation()).contains("cannot tell that from the proxy answering this path itself")
                    .contains("try_files or return 200");
            assertThat(finding.fix()).contains("no try_files, return or single-page-app fallback answering it");
        }
    }

    /**
     * nginx's {@code return 444} for upgrades closes the connection without a byte (a FIN), where a plain GET gets
     * the page: upgrades filtered, worded as the close it was. Before, the finding said the connection "was reset".
     */
    @Test
    void upgradesClosedWithoutAByteByNginxAreNamedAClosedNotAReset() {
        try (NginxServer nginx = NginxServer.builder(URI.create("ws://127.0.0.1:9/"))
                .serverDirectives("location /chat { if ($http_upgrade) { return 444; } return 200 \"app\"; }").start()) {
            DiagnosisReport report = Diagnostics.builder(nginx.uri("/chat")).run();

            assertThat(report.cause()).as(report.toText()).contains(Cause.WEBSOCKETS_FILTERED);
            Finding finding = report.diagnosis().orElseThrow();
            assertThat(finding.explanation()).contains("was closed (a FIN, not a reset) after the upgrade request went out")
                    .contains("closes WebSocket upgrades").contains("return 444")
                    .doesNotContain("was reset");
            assertThat(finding.reproduction().cliFault()).isEqualTo("refuse@upgrades");
        }
    }
}
