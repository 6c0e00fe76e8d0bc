package io.github.wschaos.testcontainers;

import static io.github.wschaos.assertj.WebSocketChaosAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.wschaos.ChaosProxy;
import io.github.wschaos.junit.ChaosProxyUri;
import io.github.wschaos.junit.ChaosUpstream;
import io.github.wschaos.junit.StripUpgradeHeaders;
import io.github.wschaos.junit.WebSocketChaos;
import io.github.wschaos.testcontainers.peer.ReconnectingClientMain;
import io.github.wschaos.testcontainers.support.RequiresDocker;
import io.github.wschaos.testcontainers.support.TestImages;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * {@code @WebSocketChaos} with its upstream named by the static {@code @Container} field itself: Testcontainers starts
 * the container before the tests, and the proxy resolves the field's port and path to the mapped port when it starts.
 */
@RequiresDocker
@Testcontainers
@WebSocketChaos
@SuppressWarnings("try") // resources held open for the test's duration, not referenced
class WebSocketChaosContainerUpstreamTest {

    @Container
    @ChaosUpstream(port = 8080, path = "/echo")
    static final GenericContainer<?> ECHO = LoopbackPorts.publishOnLoopback(TestImages.echoServer());

    @Test
    void relaysToTheContainer(ChaosProxy proxy, @ChaosProxyUri URI uri) {
        assertThat(proxy.upstream()).isEqualTo(URI.create("ws://127.0.0.1:" + ECHO.getMappedPort(8080) + "/echo"));
        try (ReconnectingClientMain client = ReconnectingClientMain.start(uri, 200, null)) {
            assertThat(proxy).within(Duration.ofSeconds(20)).attempt(1).isUpgraded().hasMessagesBothWays(1);
        }
    }

    @Test
    @StripUpgradeHeaders
    void stripsUpgradeHeadersOnTheWayToTheContainer(ChaosProxy proxy, @ChaosProxyUri URI uri) {
        try (ReconnectingClientMain client = ReconnectingClientMain.start(uri, 200, null)) {
            assertThat(proxy).within(Duration.ofSeconds(20)).hasAtLeastAttempts(2);
            assertThat(proxy).attempt(1).wasRejectedWith(426);
        }
    }
}
