package io.github.wschaos.testcontainers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.wschaos.testcontainers.peer.ReconnectingClientMain;
import io.github.wschaos.testcontainers.support.RequiresDocker;
import io.github.wschaos.testcontainers.support.TestImages;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;

/** The wschaos image, started through {@link WsChaosContainer}, in front of an echo server container. */
@RequiresDocker
class WsChaosContainerTest {

    private static final Network NETWORK = Network.newNetwork();

    @AfterAll
    static void closeNetwork() {
        NETWORK.close();
    }

    @SuppressWarnings("resource")
    private static GenericContainer<?> echoOnNetwork() {
        return TestImages.echoServer().withNetwork(NETWORK).withNetworkAliases("echo");
    }

    @Test
    void standaloneProxyRelaysToAnotherContainer() {
        try (GenericContainer<?> echo = LoopbackPorts.publishOnLoopback(echoOnNetwork());
             WsChaosContainer chaos = LoopbackPorts.publishOnLoopback(new WsChaosContainer(TestImages.WSCHAOS)
                     .withNetwork(NETWORK).withStandaloneProxy("ws://echo:8080/echo"))) {
            echo.start();
            chaos.start();
            try (ReconnectingClientMain client = ReconnectingClientMain.start(chaos.standaloneProxyUri("/echo"), 200, null)) {
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(client.events()).contains("ECHO hello 1"));
            }
        }
    }

    @Test
    void standaloneProxyArmsAFaultFromTheCommandLine() {
        try (GenericContainer<?> echo = LoopbackPorts.publishOnLoopback(echoOnNetwork());
             WsChaosContainer chaos = LoopbackPorts.publishOnLoopback(new WsChaosContainer(TestImages.WSCHAOS)
                     .withNetwork(NETWORK).withStandaloneProxy("ws://echo:8080/echo", "strip-upgrade-headers"))) {
            echo.start();
            chaos.start();
            try (ReconnectingClientMain client = ReconnectingClientMain.start(chaos.standaloneProxyUri("/echo"), 200, null)) {
                await().atMost(Duration.ofSeconds(20)).until(() -> client.events().stream().filter(e -> e.endsWith("status 426")).count() >= 2);
                assertThat(client.events()).noneMatch(e -> e.startsWith("OPEN"));
            }
        }
    }

    @Test
    void defaultImageIsThisVersion() {
        assertThat(WsChaosContainer.defaultImage()).isEqualTo(TestImages.WSCHAOS);
    }
}
