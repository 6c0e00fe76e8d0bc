package io.github.wschaos.testcontainers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.github.wschaos.testcontainers.peer.ReconnectingClientMain;
import io.github.wschaos.testcontainers.support.RequiresDocker;
import io.github.wschaos.testcontainers.support.TestImages;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;

/**
 * The wschaos image's standalone proxy mode (a command override of the image's default, the control API), started
 * through {@link WsChaosContainer} in front of an echo server container on a shared network.
 */
@RequiresDocker
class WsChaosContainerTest {

    private static final Network NETWORK = Network.newNetwork();
    private static GenericContainer<?> echo;

    @BeforeAll
    @SuppressWarnings("resource")
    static void startEcho() {
        echo = LoopbackPorts.publishOnLoopback(TestImages.echoServer().withNetwork(NETWORK).withNetworkAliases("echo"));
        echo.start();
    }

    @AfterAll
    static void stopEchoAndCloseNetwork() {
        if (echo != null) {
            echo.stop();
        }
        NETWORK.close();
    }

    @Test
    void standaloneProxyRelaysToAnotherContainer() {
        try (WsChaosContainer chaos = LoopbackPorts.publishOnLoopback(new WsChaosContainer(TestImages.WSCHAOS)
                .withNetwork(NETWORK).withStandaloneProxy("ws://echo:8080/echo"))) {
            chaos.start();
            try (ReconnectingClientMain client = ReconnectingClientMain.start(chaos.standaloneProxyUri("/echo"), 200, null)) {
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(client.events()).contains("ECHO hello 1"));
            }
        }
    }

    @Test
    void standaloneProxyArmsAFaultFromTheCommandLine() {
        try (WsChaosContainer chaos = LoopbackPorts.publishOnLoopback(new WsChaosContainer(TestImages.WSCHAOS)
                .withNetwork(NETWORK).withStandaloneProxy("ws://echo:8080/echo", "strip-upgrade-headers"))) {
            chaos.start();
            try (ReconnectingClientMain client = ReconnectingClientMain.start(chaos.standaloneProxyUri("/echo"), 200, null)) {
                await().atMost(Duration.ofSeconds(20)).until(() -> client.events().stream().filter(e -> e.endsWith("status 426")).count() >= 2);
                assertThat(client.events()).noneMatch(e -> e.startsWith("OPEN"));
            }
        }
    }

    @Test
    void aStandaloneProxyWithABadFaultFailsAtOnceWithItsOwnMessage() {
        try (WsChaosContainer chaos = new WsChaosContainer(TestImages.WSCHAOS)
                .withStandaloneProxy("ws://echo:8080/echo", "drop-idle=abc")) {
            long start = System.nanoTime();
            assertThatThrownBy(chaos::start)
                    .hasStackTraceContaining("exited with code 2 before it listened")
                    .hasStackTraceContaining("--fault drop-idle=abc: duration 'abc' is not understood");
            // Tolerance: the container's own start, well under the 60 s the log-line wait took before.
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
        }
    }

    @Test
    void theControlApiBeforeStartSaysToStartIt() {
        try (WsChaosContainer chaos = new WsChaosContainer(TestImages.WSCHAOS)) {
            assertThatThrownBy(chaos::controlUri).hasMessage("controlUri() needs the container started: call start()"
                    + " first (or let @Container start it)");
            assertThatThrownBy(() -> chaos.proxy("p", "echo:8080")).hasMessageContaining("needs the container started");
        }
    }

    @Test
    void standaloneModeHasNoControlApi() {
        try (WsChaosContainer chaos = new WsChaosContainer(TestImages.WSCHAOS).withStandaloneProxy("ws://echo:8080/echo")) {
            assertThat(chaos.getExposedPorts()).containsExactly(8666);
            assertThatThrownBy(() -> chaos.proxy("p", "echo:8080"))
                    .hasMessageContaining("proxy(name, upstream) needs the control API, but this container runs the "
                            + "standalone proxy");
            assertThatThrownBy(chaos::controlUri).hasMessageContaining("controlUri() needs the control API");
        }
    }

    @Test
    void defaultImageIsThisVersion() {
        assertThat(WsChaosContainer.defaultImage()).isEqualTo(TestImages.WSCHAOS);
    }
}
