package io.github.wschaos.testcontainers;

import static io.github.wschaos.assertj.WebSocketChaosAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.wschaos.ChaosProxy;
import io.github.wschaos.fault.FaultHandle;
import io.github.wschaos.fault.Faults;
import io.github.wschaos.fault.TlsMismatch;
import io.github.wschaos.testcontainers.peer.ReconnectingClientMain;
import io.github.wschaos.testcontainers.support.RequiresDocker;
import io.github.wschaos.testcontainers.support.TestImages;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * A WebSocket echo server in a locally built container, the chaos proxy in this JVM in front of it (upstream
 * resolved from the container and its exposed port), and a real reconnecting client (the JDK's) through the proxy.
 */
@RequiresDocker
@Testcontainers
class ProxyInFrontOfContainerTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Container
    static final GenericContainer<?> ECHO = LoopbackPorts.publishOnLoopback(TestImages.echoServer());

    private ChaosProxy proxy;
    private ReconnectingClientMain client;

    @BeforeEach
    void startProxy() {
        proxy = ChaosProxy.builder().upstream(ContainerUpstream.of(ECHO, 8080).path("/echo").uri()).start();
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        proxy.close();
    }

    @Test
    void resolvesTheMappedPortOnLoopbackAndRelays() {
        URI upstream = ContainerUpstream.of(ECHO, 8080).path("/echo").uri();
        assertThat(upstream.getHost()).isEqualTo("127.0.0.1");
        assertThat(upstream.getPort()).isEqualTo(ECHO.getMappedPort(8080)).isNotEqualTo(8080);
        assertThat(ECHO.getContainerInfo().getNetworkSettings().getPorts().getBindings().values())
                .allSatisfy(bindings -> assertThat(bindings).allSatisfy(b -> assertThat(b.getHostIp()).isEqualTo("127.0.0.1")));

        client = ReconnectingClientMain.start(proxy.uri("/echo"), 200, null);

        await().atMost(WAIT).untilAsserted(() -> assertThat(client.events()).contains("ECHO hello 1"));
        assertThat(proxy).attempt(1).isUpgraded().hasMessagesBothWays(1);
    }

    @Test
    void stripUpgradeHeaders() {
        FaultHandle strip = proxy.inject(Faults.stripUpgradeHeaders());
        client = ReconnectingClientMain.start(proxy.uri("/echo"), 200, null);

        assertThat(proxy).within(WAIT).hasAtLeastAttempts(3);
        assertThat(proxy).attempt(1).wasRejectedWith(426);
        assertThat(proxy).reconnects().hasNoStormFasterThan(Duration.ofMillis(100));

        strip.close();
        await().atMost(WAIT).until(() -> client.events().stream().anyMatch(e -> e.startsWith("ECHO hello")));
        assertThat(proxy).within(WAIT).reconnects().resumedTraffic();
    }

    @Test
    void dropIdleConnections() {
        proxy.inject(Faults.dropIdleConnections(Duration.ofMillis(600)));
        client = ReconnectingClientMain.start(proxy.uri("/echo"), 200, null);

        assertThat(proxy).within(WAIT).hasAtLeastAttempts(3);
        assertThat(proxy).attempt(1).isUpgraded().closedWithoutCloseFrame().hasMessagesBothWays(1);
        assertThat(proxy).attempt(2).isUpgraded().closedWithoutCloseFrame().hasMessagesBothWays(1);
        assertThat(proxy).reconnects().hasNoStormFasterThan(Duration.ofMillis(100));
        assertThat(client.events()).contains("ECHO hello 1", "ECHO hello 2");
    }

    @Test
    void forceTlsMismatch() {
        proxy.inject(Faults.forceTlsMismatch(TlsMismatch.TLS_LISTENER));
        client = ReconnectingClientMain.start(proxy.uri("/echo"), 200, null);

        assertThat(proxy).within(WAIT).hasAtLeastAttempts(2);
        assertThat(proxy).attempt(1).wasRejectedWith(400); // nginx: "The plain HTTP request was sent to HTTPS port"
        assertThat(proxy).reconnects().hasNoStormFasterThan(Duration.ofMillis(100));
        assertThat(client.events()).noneMatch(e -> e.startsWith("OPEN"));
    }

    @Test
    void rejectOrigins() {
        proxy.inject(Faults.rejectOrigins("https://app.example"));
        client = ReconnectingClientMain.start(proxy.uri("/echo"), 200, "https://evil.example");

        assertThat(proxy).within(WAIT).hasAtLeastAttempts(2);
        assertThat(proxy).attempt(1).wasRejectedWith(403);
        assertThat(proxy).reconnects().hasNoStormFasterThan(Duration.ofMillis(100));
        client.close();

        proxy.recording().clear();
        client = ReconnectingClientMain.start(proxy.uri("/echo"), 200, "https://app.example");
        await().atMost(WAIT).untilAsserted(() -> assertThat(client.events()).contains("ECHO hello 1"));
        assertThat(proxy).attempt(1).isUpgraded();
    }
}
