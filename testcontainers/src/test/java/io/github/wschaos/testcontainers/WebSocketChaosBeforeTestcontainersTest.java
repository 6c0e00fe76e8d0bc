package io.github.wschaos.testcontainers;

import static io.github.wschaos.assertj.WebSocketChaosAssertions.assertThat;

import io.github.wschaos.ChaosProxy;
import io.github.wschaos.junit.ChaosProxyUri;
import io.github.wschaos.junit.ChaosUpstream;
import io.github.wschaos.junit.WebSocketChaos;
import io.github.wschaos.testcontainers.peer.ReconnectingClientMain;
import io.github.wschaos.testcontainers.support.RequiresDocker;
import io.github.wschaos.testcontainers.support.TestImages;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * The annotations in the other order, and the proxy asked for in {@code @BeforeAll}: Testcontainers still starts the
 * static container first (in its before-all callback, before every {@code @BeforeAll} method), so the order does not
 * matter. {@code @ChaosUpstream} without a port takes the container's only exposed one.
 */
@RequiresDocker
@WebSocketChaos
@Testcontainers
@SuppressWarnings("try") // resources held open for the test's duration, not referenced
class WebSocketChaosBeforeTestcontainersTest {

    @Container
    @ChaosUpstream(path = "/echo")
    static final GenericContainer<?> ECHO = LoopbackPorts.publishOnLoopback(TestImages.echoServer());

    private static URI upstreamInBeforeAll;

    @BeforeAll
    static void proxyStartsHere(ChaosProxy proxy) {
        upstreamInBeforeAll = proxy.upstream();
    }

    @Test
    void relaysToTheContainersOnlyPort(ChaosProxy proxy, @ChaosProxyUri URI uri) {
        assertThat(upstreamInBeforeAll).isEqualTo(URI.create("ws://127.0.0.1:" + ECHO.getMappedPort(8080) + "/echo"));
        try (ReconnectingClientMain client = ReconnectingClientMain.start(uri, 200, null)) {
            assertThat(proxy).within(Duration.ofSeconds(20)).attempt(1).isUpgraded().hasMessagesBothWays(1);
        }
    }
}
