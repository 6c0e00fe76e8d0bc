package io.github.wschaos.diagnose;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * An endpoint at an IPv6 address ({@code ws://[::1]:PORT/}): its address is written next to its port as it is in a
 * URL, {@code [::1]:PORT}, never {@code 0:0:0:0:0:0:0:1:PORT}.
 */
class Ipv6AddressTest {

    @Test
    void nothingListeningOnIpv6LoopbackIsNamedInBrackets() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getByName("::1"))) {
            port = free.getLocalPort();
        }
        DiagnosisReport report = Diagnostics.builder("ws://[::1]:" + port + "/chat").run();

        assertThat(report.cause()).as(report.toText()).contains(Cause.CONNECTION_REFUSED);
        assertThat(report.diagnosis().orElseThrow().explanation()).startsWith("Nothing listens on [::1]:" + port + ":");
        assertThat(report.toText()).doesNotContain("0:0:0:0:0:0:0:1");
    }

    @Test
    void aConnectionToIpv6LoopbackIsNamedInBrackets() throws Exception {
        // Accepted by the kernel (the backlog), never answered: the upgrade and the plain GET time out.
        try (ServerSocket unanswered = new ServerSocket(0, 5, InetAddress.getByName("::1"))) {
            DiagnosisReport report = Diagnostics.builder("ws://[::1]:" + unanswered.getLocalPort() + "/chat")
                    .timeout(Duration.ofMillis(300)).run();

            assertThat(report.check("TCP connect").evidence()).as(report.toText())
                    .startsWith("connected to [::1]:" + unanswered.getLocalPort() + " in ");
            assertThat(report.toText()).doesNotContain("0:0:0:0:0:0:0:1");
        }
    }
}
