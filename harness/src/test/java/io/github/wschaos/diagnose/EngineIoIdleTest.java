package io.github.wschaos.diagnose;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.wschaos.ChaosProxy;
import io.github.wschaos.fault.Faults;
import io.github.wschaos.testing.PythonSocketIoServer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The idle step against a real Socket.IO server (python-socketio, Engine.IO 4): the server closes a connection whose
 * heartbeat goes unanswered after {@code pingInterval + pingTimeout}, which is no idle timeout; the probe keeps the
 * heartbeat as socket.io-client does, so only a middlebox's idle cut is reported.
 */
class EngineIoIdleTest {

    private static final String SOCKET_IO_TARGET = "/socket.io/?EIO=4&transport=websocket";

    @Test
    void theServersHeartbeatIsAnsweredSoItsPingTimeoutIsNotTakenForAnIdleTimeout() {
        // Unanswered, the server closes the connection 0.6 s after the open packet (close 1000).
        try (PythonSocketIoServer server = PythonSocketIoServer.start(Duration.ofMillis(300), Duration.ofMillis(300))) {
            DiagnosisReport report = Diagnostics.builder(server.uri() + SOCKET_IO_TARGET).timeout(Duration.ofSeconds(2))
                    .idle(Duration.ofSeconds(2)).run();

            assertThat(report.check("idle").status()).as(report.toText()).isEqualTo(CheckStatus.PASSED);
            assertThat(report.check("idle").evidence()).startsWith("still open after 2.")
                    .contains("Engine.IO's heartbeat kept as socket.io-client keeps it");
            assertThat(report.healthy()).isTrue();
        }
    }

    @Test
    void aMiddleboxIdleCutShorterThanThePingIntervalIsStillFoundWithSocketIosFix() {
        try (PythonSocketIoServer server = PythonSocketIoServer.start(Duration.ofSeconds(5), Duration.ofSeconds(5));
                ChaosProxy proxy = ChaosProxy.builder().upstream(server.uri().toString()).start()) {
            proxy.inject(Faults.dropIdleConnections(Duration.ofMillis(700)));

            DiagnosisReport report = Diagnostics.builder(proxy.uri(SOCKET_IO_TARGET)).timeout(Duration.ofSeconds(2))
                    .idle(Duration.ofSeconds(3)).run();

            assertThat(report.diagnosis()).as(report.toText()).hasValueSatisfying(finding -> {
                assertThat(finding.cause()).isEqualTo(Cause.IDLE_TIMEOUT);
                assertThat(finding.fix()).contains("Socket.IO: its heartbeat is that traffic; set the server's pingInterval");
            });
            assertThat(report.check("idle").evidence()).startsWith("TCP closed without a close frame after 0.");
        }
    }
}
