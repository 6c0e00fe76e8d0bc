package io.github.wschaos.diagnose;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.wschaos.testing.UnansweredPort;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A TCP connect that times out (a firewall dropping packets), made real on loopback by a listener whose accept
 * queue is full: diagnose names it within its {@code --timeout} and prints the blackhole fault as the closest
 * reproduction.
 */
class ConnectTimeoutTest {

    @Test
    void aConnectThatTimesOutIsAFirewallDroppingPackets() {
        try (UnansweredPort port = UnansweredPort.open()) {
            long start = System.nanoTime();
            DiagnosisReport report = Diagnostics.builder("ws://127.0.0.1:" + port.port() + "/chat")
                    .timeout(Duration.ofMillis(700)).run();
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertThat(report.cause()).as(report.toText()).contains(Cause.CONNECT_TIMEOUT);
            assertThat(report.exitCode()).isEqualTo(1);
            assertThat(report.check("TCP connect").status()).isEqualTo(CheckStatus.FAILED);
            assertThat(report.check("TCP connect").evidence()).contains("SocketTimeoutException").contains("timed out");
            assertThat(report.check("upgrade").status()).isEqualTo(CheckStatus.SKIPPED);
            assertThat(report.toText()).contains("Diagnosis: the TCP connect timed out: packets are dropped (a firewall)")
                    .contains("--fault blackhole");
            assertThat(report.diagnosis().orElseThrow().reproduction().cliFault()).isEqualTo("blackhole");
            // bounded by --timeout: one connect attempt, not retried
            assertThat(millis).as("took %d ms", millis).isBetween(650L, 2_500L);
        }
    }
}
