package io.github.wschaos.diagnose;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.wschaos.testing.HaproxyServer;
import io.github.wschaos.testing.JettyEchoServer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A real haproxy (Debian's 2.6) whose {@code timeout tunnel} cuts idle WebSockets, named by the {@code Via} header it
 * is configured to add (haproxy sends no {@code Server} header): the fix names haproxy's own settings.
 */
class HaproxyIdleTest {

    @Test
    void anIdleCutBehindHaproxyNamesTimeoutTunnel() {
        try (JettyEchoServer jetty = JettyEchoServer.start();
             HaproxyServer haproxy = HaproxyServer.builder(jetty.uri()).backend("timeout tunnel 1s")
                     .backend("http-response set-header Via \"1.1 haproxy\"").start()) {
            DiagnosisReport report = Diagnostics.builder(haproxy.uri("/echo")).idle(Duration.ofSeconds(3)).run();

            assertThat(report.cause()).as(report.toText()).contains(Cause.IDLE_TIMEOUT);
            Finding finding = report.diagnosis().orElseThrow();
            assertThat(finding.fix()).contains("haproxy: raise timeout tunnel").contains("timeout client")
                    .contains("timeout tunnel 3600s").contains("send a ping");
            assertThat(finding.reproduction().cliFault()).isEqualTo("drop-idle=1s");
        }
    }
}
