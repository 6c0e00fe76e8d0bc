package io.github.wschaos.testcontainers;

import static io.github.wschaos.assertj.WebSocketChaosAssertions.assertThat;

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

/** {@code @WebSocketChaos} with its upstream named from a static {@code @Container} field. */
@RequiresDocker
@Testcontainers
@WebSocketChaos
class WebSocketChaosContainerUpstreamTest {

    @Container
    static final GenericContainer<?> ECHO = LoopbackPorts.publishOnLoopback(TestImages.echoServer());

    @ChaosUpstream
    static URI upstream() {
        return ContainerUpstream.of(ECHO, 8080).path("/echo").uri();
    }

    @Test
    void relaysToTheContainer(ChaosProxy proxy, @ChaosProxyUri URI uri) {
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
