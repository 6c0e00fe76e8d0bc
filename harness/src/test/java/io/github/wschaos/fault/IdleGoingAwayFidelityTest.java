package io.github.wschaos.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.wschaos.ChaosProxy;
import io.github.wschaos.record.CloseInfo;
import io.github.wschaos.record.Closer;
import io.github.wschaos.testing.CloseStatus;
import io.github.wschaos.testing.JdkWebSocketClient;
import io.github.wschaos.testing.JettyEchoServer;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code dropIdleConnections(..., IdleCut.GOING_AWAY)} side by side with a real Jetty 12 whose own WebSocket idle
 * timeout ends the connection: the client must see the same close.
 */
class IdleGoingAwayFidelityTest {

    private static final Duration IDLE = Duration.ofMillis(400);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Test
    void anIdleConnectionGetsTheCloseJettysOwnIdleTimeoutSends() throws Exception {
        try (JettyEchoServer strict = JettyEchoServer.startWithIdleTimeout(IDLE);
                JettyEchoServer lenient = JettyEchoServer.start();
                ChaosProxy proxy = ChaosProxy.start(lenient.uri())) {
            proxy.inject(Faults.dropIdleConnections(IDLE, IdleTimer.ANY_DATA, IdleCut.GOING_AWAY));

            CloseStatus reference = idleClose(strict.uri());
            CloseStatus ours = idleClose(proxy.uri());

            assertThat(reference.code()).as("Jetty's own idle close").isEqualTo(1001);
            assertThat(ours).isEqualTo(reference);
            await().atMost(TIMEOUT).untilAsserted(() -> {
                assertThat(lenient.closesReceived()).as("the upstream gets the close frame too").contains(reference);
                CloseInfo close = proxy.recording().attempt(1).close().orElseThrow();
                assertThat(close.closer()).isEqualTo(Closer.PROXY);
                assertThat(close.code()).hasValue(1001);
                assertThat(close.cause()).isEqualTo("drop-idle");
            });
        }
    }

    /** The close an idle client gets. */
    private static CloseStatus idleClose(URI uri) throws Exception {
        try (JdkWebSocketClient client = JdkWebSocketClient.connect(uri)) {
            client.send("last data");
            int code = client.closeCode().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return new CloseStatus(code, client.closeReason().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
        }
    }
}
