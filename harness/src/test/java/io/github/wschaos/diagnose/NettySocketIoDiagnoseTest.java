package io.github.wschaos.diagnose;

import static org.assertj.core.api.Assertions.assertThat;

import com.corundumstudio.socketio.Configuration;
import com.corundumstudio.socketio.SocketIOServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * diagnose against netty-socketio, a Socket.IO server that does not answer WebSocket pings (its clients keep Engine.IO's
 * heartbeat instead): an unanswered ping there is the server's way, not a middlebox swallowing control frames.
 */
class NettySocketIoDiagnoseTest {

    private SocketIOServer server;
    private int port;

    @BeforeEach
    void start() {
        Configuration config = new Configuration();
        config.setHostname("127.0.0.1");
        port = freePort();
        config.setPort(port);
        config.setBossThreads(1);
        config.setWorkerThreads(1);
        config.setUseLinuxNativeEpoll(false);
        config.setPingInterval(300);
        config.setPingTimeout(300);
        server = new SocketIOServer(config);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    /** Its heartbeat every 300 ms, its timeout 300 ms: an unanswered heartbeat closes within the ping step's second. */
    @Test
    void pingsThatASocketIoServerLeavesUnansweredAreNotReadAsAMiddlebox() {
        DiagnosisReport report = Diagnostics.builder("ws://127.0.0.1:" + port + "/socket.io/?EIO=4&transport=websocket")
                .timeout(Duration.ofSeconds(1)).idle(Duration.ofSeconds(2)).run();

        assertThat(report.healthy()).as(report.toText()).isTrue();
        assertThat(report.check("ping").status()).isEqualTo(CheckStatus.PASSED);
        assertThat(report.check("ping").evidence()).startsWith("no pong within 1000 ms, but the endpoint speaks Engine.IO")
                .contains("of the server's pings answered");
        assertThat(report.check("idle").status()).isEqualTo(CheckStatus.PASSED);
        assertThat(report.toText()).contains("keeps Engine.IO's heartbeat (it does not answer WebSocket pings)");
    }

    private static int freePort() {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
